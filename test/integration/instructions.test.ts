import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { bindGroups, outboxFor } from '../factories/chat-groups';
import {
  ACKNOWLEDGE_INSTRUCTION,
  AMEND_INSTRUCTION,
  CANCEL_INSTRUCTION,
  GRIDS_PAGE,
  INSTRUCTION,
  INSTRUCTION_ISSUED,
  INSTRUCTION_PROGRESS,
  ISSUE_INSTRUCTION,
  REPORT_INSTRUCTION_RESULT,
} from '../operations';
import { ADMIN, collect, gql, gqlOk, settle, useHub } from '../setup/hub';

// 10:00 in Shanghai on 2026-11-22.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const queries: string[] = [];
const t = useHub({ clock, onQuery: (sql) => queries.push(sql) });
const token = (role: Op.Role, grid: string) => t.token(role, grid);
type Issued = Op.IssueInstructionMutation;

// The demo city under XHG: 11 blocks, 16 communities, 151 micro-grids, 3 units under each.
const ALL_BELOW_XHG = 11 + 16 + 151 + 151 * 3;

beforeAll(async () => {
  // Every grid has its group but two micro-grids, whose messages are skipped.
  await bindGroups(t.databaseUrl, { under: 'XHG', skip: ['XHG-B03-C07-M11', 'XHG-B03-C07-M10'] });
});

it('issues a grade II instruction from the street to every level at once, live, with each grid’s own items', async () => {
  const street = t.ws(await token('VIEWER', 'XHG'));
  const community = t.ws(await token('VIEWER', 'XHG-B03-C07'));
  const issuedFeed = collect<Op.InstructionIssuedSubscription>(street, INSTRUCTION_ISSUED);
  const otherFeed = collect<Op.InstructionIssuedSubscription>(community, INSTRUCTION_ISSUED);
  await settle(300);

  const commander = await token('COMMANDER', 'XHG');
  const r = await gqlOk<Issued>(t.hub, commander, ISSUE_INSTRUCTION, {
    input: {
      grade: 'II',
      title: '返沪人员排查',
      body: '请立即核查名单内人员健康状况',
      items: [
        { grid: 'XHG-B03-C07-M12', text: '张某 3栋2单元' },
        { grid: 'xhg-b03-c07-m12', text: '李某 5栋1单元' },
        { grid: 'XHG-B01-C01-M01', text: '王某 1栋' },
      ],
    },
  });
  expect(r.issueInstruction).toMatchObject({ code: 'I20261122-001', grade: 'II', targets: ALL_BELOW_XHG, levels: ['BLOCK', 'COMMUNITY', 'GRID', 'MICRO_GRID', 'UNIT'] });
  expect(r.issueInstruction.progress).toEqual({ targets: ALL_BELOW_XHG, acknowledged: 0, reported: 0, overdue: 0 });
  expect(new Date(r.issueInstruction.ackDeadlineAt).getTime() - clock.now().getTime()).toBe(10 * 60_000);

  await issuedFeed.until(1, 20_000);
  expect(issuedFeed.events[0]!.instructionIssued).toEqual({ code: 'I20261122-001', grade: 'II', title: '返沪人员排查', progress: { targets: ALL_BELOW_XHG, acknowledged: 0 } });
  await settle(200);
  // A dashboard whose scope does not contain the street's scope does not get it.
  expect(otherFeed.events).toEqual([]);

  const outbox = await outboxFor(t.databaseUrl, 'I20261122-001');
  expect(outbox).toHaveLength(ALL_BELOW_XHG - 2);
  expect(outbox.some((m) => m.grid === 'XHG-B03-C07-M11')).toBe(false);
  const m12 = outbox.find((m) => m.grid === 'XHG-B03-C07-M12')!;
  expect(m12.text).toContain('I20261122-001');
  expect(m12.text).toContain('1. 张某 3栋2单元\n2. 李某 5栋1单元');
  expect(m12.text).toContain('10 分钟内回复"收到"');
  expect(m12.mentions.length).toBeGreaterThan(0); // grade II @-mentions the chief
  // Grids without items share the common text; their chiefs are @-mentioned by role at send time.
  const plain = outbox.find((m) => m.grid === 'XHG-B02-C03-M05')!;
  expect(plain).toMatchObject({ mentions: [], mentionRoles: ['chief'] });
  const m01 = outbox.find((m) => m.grid === 'XHG-B01-C01-M01')!;
  expect(m01.text).toContain('王某 1栋');
  expect(m01.text).not.toContain('张某');
  expect(outbox.filter((m) => m.text.includes('张某')).map((m) => m.grid)).toEqual(['XHG-B03-C07-M12']);
});

it('counts a grid once however often it answers, and pushes coalesced progress live', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<Issued>(t.hub, commander, ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'III', title: '燃气隐患排查' } });
  const code = issueInstruction.code;
  expect(code).toBe('I20261122-002');
  const dash = t.ws(await token('VIEWER', 'XHG-B03'));
  const feed = collect<Op.InstructionProgressSubscription>(dash, INSTRUCTION_PROGRESS, { code: code.toLowerCase().replace('-002', '-2') });
  await feed.until(1, 20_000);
  expect(feed.events[0]!.instructionProgress.progress).toEqual({ targets: issueInstruction.targets, acknowledged: 0, reported: 0 });

  const micro = (await gqlOk<Op.GridsPageQuery>(t.hub, ADMIN, GRIDS_PAGE, { under: 'XHG-B03-C07', level: 'MICRO_GRID', first: 100 })).grids.map((g) => g.code);
  const worker = await token('WORKER', 'XHG-B03-C07');
  // Every micro-grid acknowledges three times at once.
  const answers = await Promise.all(micro.flatMap((g) => [0, 1, 2].map(() => gqlOk<Op.AcknowledgeInstructionMutation>(t.hub, worker, ACKNOWLEDGE_INSTRUCTION, { code, grid: g }))));
  expect(answers.filter((a) => a.acknowledgeInstruction.counted)).toHaveLength(micro.length);
  const p = await gqlOk<Op.InstructionQuery>(t.hub, commander, INSTRUCTION, { code });
  expect(p.instruction.progress.acknowledged).toBe(micro.length);

  const until = Date.now() + 20_000;
  while (Date.now() < until && feed.events[feed.events.length - 1]!.instructionProgress.progress.acknowledged < micro.length) await settle(50);
  expect(feed.events[feed.events.length - 1]!.instructionProgress.progress.acknowledged).toBe(micro.length);
  // Coalesced: far fewer pushes than the answers that arrived.
  expect(feed.events.length).toBeLessThan(10);

  // A result without a code goes to the grid's latest open instruction, and acknowledges too.
  const own = await token('CHIEF', 'XHG-B03-C07-M12');
  const res = await gqlOk<Op.ReportInstructionResultMutation>(t.hub, own, REPORT_INSTRUCTION_RESULT, { code: null, grid: null, result: '已排查，无隐患' });
  expect(res.reportInstructionResult).toEqual({ counted: true, reported: true });
  const again = await gqlOk<Op.ReportInstructionResultMutation>(t.hub, own, REPORT_INSTRUCTION_RESULT, { code, grid: null, result: '补充：3栋已复查' });
  expect(again.reportInstructionResult.counted).toBe(false);
  const q = await gqlOk<Op.InstructionQuery>(t.hub, commander, INSTRUCTION, { code, receipts: 500 });
  const mine = q.instruction.receipts.find((x) => x.grid.code === 'XHG-B03-C07-M12')!;
  expect(mine).toMatchObject({ result: '已排查，无隐患', answers: 5 });
  expect(mine.reportedBy).toBeTruthy();
  expect(q.instruction.levelProgress).toEqual([{ level: 'MICRO_GRID', progress: { targets: micro.length, reported: 1 } }]);
});

it('lets only commanders, instructors and admins issue, inside their own subtree', async () => {
  const worker = await token('WORKER', 'XHG-B03-C07-M12');
  const w = await gql(t.hub, worker, ISSUE_INSTRUCTION, { input: { grade: 'IV', title: 'x' } });
  expect(w.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const blockCommander = await token('COMMANDER', 'XHG-B01');
  const b = await gql(t.hub, blockCommander, ISSUE_INSTRUCTION, { input: { scope: 'XHG', grade: 'IV', title: 'x' } });
  expect(b.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const stray = await gql(t.hub, blockCommander, ISSUE_INSTRUCTION, { input: { grade: 'IV', title: 'x', items: [{ grid: 'XHG-B01-C01-M01', text: '微网格不在 IV 级范围' }] } });
  expect(stray.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const badDeadline = await gql(t.hub, blockCommander, ISSUE_INSTRUCTION, { input: { grade: 'IV', title: 'x', ackWithin: 60, resultWithin: 30 } });
  expect(badDeadline.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  // A grade IV from a block reaches its communities only.
  const ok = await gqlOk<Issued>(t.hub, blockCommander, ISSUE_INSTRUCTION, { input: { grade: 'IV', title: '周末安全检查' } });
  expect(ok.issueInstruction.levels).toEqual(['COMMUNITY']);
  // The street sees it; a sibling block does not.
  const sibling = await token('COMMANDER', 'XHG-B02');
  expect((await gql(t.hub, sibling, INSTRUCTION, { code: ok.issueInstruction.code })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect((await gqlOk<Op.InstructionQuery>(t.hub, await token('VIEWER', 'XHG'), INSTRUCTION, { code: ok.issueInstruction.code })).instruction.progress.targets).toBe(ok.issueInstruction.targets);
});

it('cancels and amends: every group that got it gets the change, and answers stop', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<Issued>(t.hub, commander, ISSUE_INSTRUCTION, { input: { scope: 'XHG-B05', grade: 'IV', title: '消防通道清理' } });
  const code = issueInstruction.code;
  const instructor = await token('INSTRUCTOR', 'XHG-B05');
  // Someone below the issuer may not change it.
  expect((await gql(t.hub, instructor, AMEND_INSTRUCTION, { code, text: 'x' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  await gqlOk(t.hub, commander, AMEND_INSTRUCTION, { code, text: '重点检查地下车库' });
  const c = await gqlOk<Op.CancelInstructionMutation>(t.hub, commander, CANCEL_INSTRUCTION, { code, reason: '已由区里统一安排' });
  expect(c.cancelInstruction).toEqual({ status: 'CANCELLED', cancelReason: '已由区里统一安排' });
  const again = await gql(t.hub, commander, CANCEL_INSTRUCTION, { code, reason: null });
  expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  const outbox = await outboxFor(t.databaseUrl, code);
  const communities = issueInstruction.targets;
  expect(outbox.filter((m) => m.text.startsWith('【补充1】'))).toHaveLength(communities);
  expect(outbox.filter((m) => m.text.startsWith('【撤销】'))).toHaveLength(communities);
  expect(outbox.find((m) => m.text.startsWith('【补充1】'))!.text).toBe(`【补充1】${code}：重点检查地下车库`);
  const ack = await gql(t.hub, await token('CHIEF', 'XHG-B05'), ACKNOWLEDGE_INSTRUCTION, { code, grid: outbox[0]!.grid });
  expect(ack.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  const u = await gqlOk<Op.InstructionQuery>(t.hub, commander, INSTRUCTION, { code });
  expect(u.instruction.updates).toEqual([{ seq: 1, kind: 'amend' }, { seq: 2, kind: 'cancel' }]);
});

it('executes instructionProgress once per shape and sends every socket the same bytes', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<Issued>(t.hub, commander, ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'III', title: '共享推送' } });
  const viewer = await token('VIEWER', 'XHG-B03');
  const feeds = Array.from({ length: 20 }, () => collect<Op.InstructionProgressSubscription>(t.ws(viewer), INSTRUCTION_PROGRESS, { code: issueInstruction.code }));
  await Promise.all(feeds.map((f) => f.until(1, 20_000)));
  queries.length = 0;
  await gqlOk(t.hub, await token('CHIEF', 'XHG-B03-C07-M03'), ACKNOWLEDGE_INSTRUCTION, { code: issueInstruction.code, grid: null });
  await Promise.all(feeds.map((f) => f.until(2, 20_000)));
  for (const f of feeds) expect(f.events.map((e) => e.instructionProgress.progress.acknowledged)).toEqual([0, 1]);
  // One progress query for twenty sockets.
  expect(queries.filter((q) => q.includes('count(r.acknowledged_at)'))).toHaveLength(1);
});
