import type { Hub } from '../../src/main';
import { ManualClock } from '../../src/infra/clock';
import { ADMIN, collect, gql, gqlOk, settle, startTestHub, testDatabase, wsClient, tokenFor } from '../setup/hub';
import { bindGroupsUnder, outboxFor } from '../factories/chat-groups';

let hub: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
// 10:00 in Shanghai on 2026-11-22.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const clients: Array<{ dispose(): void | Promise<void> }> = [];
const queries: string[] = [];

const token = (role: string, grid: string) => tokenFor(hub, role, grid);

const ISSUE = 'mutation($i: IssueInstructionInput!) { issueInstruction(input: $i) { code grade title status targets levels ackDeadlineAt resultDeadlineAt scope { code } progress { targets acknowledged reported overdue } } }';
type Issued = { issueInstruction: { code: string; grade: string; targets: number; levels: string[]; ackDeadlineAt: string; resultDeadlineAt: string; progress: { targets: number; acknowledged: number; reported: number; overdue: number } } };
const ACK = 'mutation($c: String, $g: String) { acknowledgeInstruction(code: $c, grid: $g, note: null) { counted acknowledged reported instruction { code } grid { code } } }';
const RESULT = 'mutation($c: String, $g: String, $r: String!) { reportInstructionResult(code: $c, grid: $g, result: $r) { counted reported } }';
const PROGRESS = 'query($c: String!) { instruction(code: $c) { progress { targets acknowledged reported overdue } } }';

// The demo city under XHG: 11 blocks, 16 communities, 151 micro-grids, 3 units under each.
const ALL_BELOW_XHG = 11 + 16 + 151 + 151 * 3;

beforeAll(async () => {
  db = await testDatabase('demo');
  hub = await startTestHub({ databaseUrl: db.url, clock, onQuery: (sql) => queries.push(sql) });
  // Every grid has its group but two micro-grids, whose messages are skipped.
  await bindGroupsUnder(db.url, 'XHG', { skip: ['XHG-B03-C07-M11', 'XHG-B03-C07-M10'] });
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await hub?.stop();
  await db?.drop();
});

it('issues a grade II instruction from the street to every level at once, live, with each grid’s own items', async () => {
  const street = wsClient(hub, await token('VIEWER', 'XHG'));
  const community = wsClient(hub, await token('VIEWER', 'XHG-B03-C07'));
  clients.push(street, community);
  const issuedFeed = collect<{ instructionIssued: { code: string; grade: string; title: string; progress: { targets: number; acknowledged: number } } }>(street, 'subscription { instructionIssued { code grade title progress { targets acknowledged } } }');
  const otherFeed = collect<{ instructionIssued: { code: string } }>(community, 'subscription { instructionIssued { code } }');
  await settle(300);

  const commander = await token('COMMANDER', 'XHG');
  const r = await gqlOk<Issued>(hub, commander, ISSUE, {
    i: {
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

  const outbox = await outboxFor(db.url, 'I20261122-001');
  expect(outbox).toHaveLength(ALL_BELOW_XHG - 2);
  expect(outbox.some((m) => m.grid === 'XHG-B03-C07-M11')).toBe(false);
  const m12 = outbox.find((m) => m.grid === 'XHG-B03-C07-M12')!;
  expect(m12.text).toContain('I20261122-001');
  expect(m12.text).toContain('1. 张某 3栋2单元\n2. 李某 5栋1单元');
  expect(m12.text).toContain('10:10 前回复"收到"');
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
  const { issueInstruction } = await gqlOk<Issued>(hub, commander, ISSUE, { i: { scope: 'XHG-B03-C07', grade: 'III', title: '燃气隐患排查' } });
  const code = issueInstruction.code;
  expect(code).toBe('I20261122-002');
  const dash = wsClient(hub, await token('VIEWER', 'XHG-B03'));
  clients.push(dash);
  const feed = collect<{ instructionProgress: { code: string; progress: { acknowledged: number; reported: number; targets: number } } }>(dash, 'subscription($c: String!) { instructionProgress(code: $c) { code progress { targets acknowledged reported } } }', { c: code.toLowerCase().replace('-002', '-2') });
  await feed.until(1, 20_000);
  expect(feed.events[0]!.instructionProgress.progress).toEqual({ targets: issueInstruction.targets, acknowledged: 0, reported: 0 });

  const micro = (await gqlOk<{ grids: Array<{ code: string }> }>(hub, ADMIN, 'query { grids(under: "XHG-B03-C07", level: MICRO_GRID, first: 100) { code } }')).grids.map((g) => g.code);
  const worker = await token('WORKER', 'XHG-B03-C07');
  // Every micro-grid acknowledges three times at once.
  const answers = await Promise.all(micro.flatMap((g) => [0, 1, 2].map(() => gqlOk<{ acknowledgeInstruction: { counted: boolean } }>(hub, worker, ACK, { c: code, g }))));
  expect(answers.filter((a) => a.acknowledgeInstruction.counted)).toHaveLength(micro.length);
  const p = await gqlOk<{ instruction: { progress: { acknowledged: number } } }>(hub, commander, PROGRESS, { c: code });
  expect(p.instruction.progress.acknowledged).toBe(micro.length);

  const until = Date.now() + 20_000;
  while (Date.now() < until && feed.events[feed.events.length - 1]!.instructionProgress.progress.acknowledged < micro.length) await settle(50);
  expect(feed.events[feed.events.length - 1]!.instructionProgress.progress.acknowledged).toBe(micro.length);
  // Coalesced: far fewer pushes than the answers that arrived.
  expect(feed.events.length).toBeLessThan(10);

  // A result without a code goes to the grid's latest open instruction, and acknowledges too.
  const own = await token('CHIEF', 'XHG-B03-C07-M12');
  const res = await gqlOk<{ reportInstructionResult: { counted: boolean; reported: boolean } }>(hub, own, RESULT, { c: null, g: null, r: '已排查，无隐患' });
  expect(res.reportInstructionResult).toEqual({ counted: true, reported: true });
  const again = await gqlOk<{ reportInstructionResult: { counted: boolean } }>(hub, own, RESULT, { c: code, g: null, r: '补充：3栋已复查' });
  expect(again.reportInstructionResult.counted).toBe(false);
  const q = await gqlOk<{ instruction: { receipts: Array<{ grid: { code: string }; result: string; answers: number; reportedBy: string | null }>; levelProgress: Array<{ level: string; progress: { targets: number; reported: number } }> } }>(
    hub,
    commander,
    'query($c: String!) { instruction(code: $c) { receipts(first: 500) { grid { code } result answers reportedBy } levelProgress { level progress { targets reported } } } }',
    { c: code },
  );
  const mine = q.instruction.receipts.find((x) => x.grid.code === 'XHG-B03-C07-M12')!;
  expect(mine).toMatchObject({ result: '已排查，无隐患', answers: 5 });
  expect(mine.reportedBy).toBeTruthy();
  expect(q.instruction.levelProgress).toEqual([{ level: 'MICRO_GRID', progress: { targets: micro.length, reported: 1 } }]);
});

it('lets only commanders, instructors and admins issue, inside their own subtree', async () => {
  const worker = await token('WORKER', 'XHG-B03-C07-M12');
  const w = await gql(hub, worker, ISSUE, { i: { grade: 'IV', title: 'x' } });
  expect(w.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const blockCommander = await token('COMMANDER', 'XHG-B01');
  const b = await gql(hub, blockCommander, ISSUE, { i: { scope: 'XHG', grade: 'IV', title: 'x' } });
  expect(b.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const stray = await gql(hub, blockCommander, ISSUE, { i: { grade: 'IV', title: 'x', items: [{ grid: 'XHG-B01-C01-M01', text: '微网格不在 IV 级范围' }] } });
  expect(stray.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const badDeadline = await gql(hub, blockCommander, ISSUE, { i: { grade: 'IV', title: 'x', ackWithin: 60, resultWithin: 30 } });
  expect(badDeadline.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  // A grade IV from a block reaches its communities only.
  const ok = await gqlOk<Issued>(hub, blockCommander, ISSUE, { i: { grade: 'IV', title: '周末安全检查' } });
  expect(ok.issueInstruction.levels).toEqual(['COMMUNITY']);
  // The street sees it; a sibling block does not.
  const sibling = await token('COMMANDER', 'XHG-B02');
  expect((await gql(hub, sibling, PROGRESS, { c: ok.issueInstruction.code })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect((await gqlOk<{ instruction: { progress: { targets: number } } }>(hub, await token('VIEWER', 'XHG'), PROGRESS, { c: ok.issueInstruction.code })).instruction.progress.targets).toBe(ok.issueInstruction.targets);
});

it('cancels and amends: every group that got it gets the change, and answers stop', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<Issued>(hub, commander, ISSUE, { i: { scope: 'XHG-B05', grade: 'IV', title: '消防通道清理' } });
  const code = issueInstruction.code;
  const instructor = await token('INSTRUCTOR', 'XHG-B05');
  // Someone below the issuer may not change it.
  expect((await gql(hub, instructor, 'mutation($c: String!) { amendInstruction(code: $c, text: "x") { code } }', { c: code })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  await gqlOk(hub, commander, 'mutation($c: String!) { amendInstruction(code: $c, text: "重点检查地下车库") { code } }', { c: code });
  const c = await gqlOk<{ cancelInstruction: { status: string; cancelReason: string } }>(hub, commander, 'mutation($c: String!) { cancelInstruction(code: $c, reason: "已由区里统一安排") { status cancelReason } }', { c: code });
  expect(c.cancelInstruction).toEqual({ status: 'CANCELLED', cancelReason: '已由区里统一安排' });
  const again = await gql(hub, commander, 'mutation($c: String!) { cancelInstruction(code: $c, reason: null) { status } }', { c: code });
  expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  const outbox = await outboxFor(db.url, code);
  const communities = issueInstruction.targets;
  expect(outbox.filter((m) => m.text.startsWith('【补充1】'))).toHaveLength(communities);
  expect(outbox.filter((m) => m.text.startsWith('【撤销】'))).toHaveLength(communities);
  expect(outbox.find((m) => m.text.startsWith('【补充1】'))!.text).toBe(`【补充1】${code}：重点检查地下车库`);
  const ack = await gql(hub, await token('CHIEF', 'XHG-B05'), ACK, { c: code, g: outbox[0]!.grid });
  expect(ack.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  const u = await gqlOk<{ instruction: { updates: Array<{ seq: number; kind: string }> } }>(hub, commander, 'query($c: String!) { instruction(code: $c) { updates { seq kind } } }', { c: code });
  expect(u.instruction.updates).toEqual([{ seq: 1, kind: 'amend' }, { seq: 2, kind: 'cancel' }]);
});

it('executes instructionProgress once per shape and sends every socket the same bytes', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<Issued>(hub, commander, ISSUE, { i: { scope: 'XHG-B03-C07', grade: 'III', title: '共享推送' } });
  const viewer = await token('VIEWER', 'XHG-B03');
  const SUB = 'subscription($c: String!) { instructionProgress(code: $c) { code progress { acknowledged reported } } }';
  const feeds = Array.from({ length: 20 }, () => {
    const c = wsClient(hub, viewer);
    clients.push(c);
    return collect<{ instructionProgress: { progress: { acknowledged: number } } }>(c, SUB, { c: issueInstruction.code });
  });
  await Promise.all(feeds.map((f) => f.until(1, 20_000)));
  queries.length = 0;
  await gqlOk(hub, await token('CHIEF', 'XHG-B03-C07-M03'), ACK, { c: issueInstruction.code, g: null });
  await Promise.all(feeds.map((f) => f.until(2, 20_000)));
  for (const f of feeds) expect(f.events.map((e) => e.instructionProgress.progress.acknowledged)).toEqual([0, 1]);
  // One progress query for twenty sockets.
  expect(queries.filter((q) => q.includes('count(r.acknowledged_at)'))).toHaveLength(1);
});
