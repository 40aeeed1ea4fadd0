import type { Hub } from '../../src/main';
import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { instructionChaseJob } from '../../src/jobs/instruction-chase.job';
import { createScope } from '../../src/scope';
import { gqlOk, startTestHub, testDatabase, tokenFor } from '../setup/hub';
import { bindGroupsUnder, outboxFor } from '../factories/chat-groups';

let a: Hub;
let b: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));

beforeAll(async () => {
  db = await testDatabase('demo');
  a = await startTestHub({ databaseUrl: db.url, clock });
  b = await startTestHub({ databaseUrl: db.url, clock });
  await bindGroupsUnder(db.url, 'XHG');
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

const token = (role: string, grid: string) => tokenFor(a, role, grid);
const run = (hub: Hub) => instructionChaseJob.run(createScope(hub.deps, OPERATOR), clock.now());
const both = async () => {
  const [ra, rb] = await Promise.all([run(a), run(b)]);
  return [...ra, ...rb];
};

it('reminds silent grids at half of each window and marks them overdue at its end, telling the parent once, with two instances', async () => {
  const commander = await token('COMMANDER', 'XHG');
  // Grade III from a community: its micro-grids, 10 min to acknowledge, 20 to report.
  const { issueInstruction } = await gqlOk<{ issueInstruction: { code: string; targets: number } }>(
    a,
    commander,
    'mutation($i: IssueInstructionInput!) { issueInstruction(input: $i) { code targets } }',
    { i: { scope: 'XHG-B03-C07', grade: 'III', title: '燃气隐患排查', ackWithin: 10, resultWithin: 20 } },
  );
  const { code, targets } = issueInstruction;
  const chief = await token('CHIEF', 'XHG-B03-C07-M12');
  await gqlOk(a, chief, 'mutation { acknowledgeInstruction(code: null, grid: null, note: null) { counted } }');

  clock.advance(4 * 60_000);
  expect(await both()).toEqual([]); // not yet half-way
  clock.advance(60_000);
  const half = await both();
  expect(half).toEqual([{ code, stage: 'ack_reminder', grids: targets - 1, messages: targets - 1 }]);
  expect(await both()).toEqual([]);
  let outbox = await outboxFor(db.url, code);
  const reminders = outbox.filter((m) => m.dedupeKey.includes(':ack_reminder:'));
  expect(reminders).toHaveLength(targets - 1);
  expect(reminders.some((m) => m.grid === 'XHG-B03-C07-M12')).toBe(false);
  expect(reminders[0]!.text).toBe(`⏰ ${code} 燃气隐患排查 尚未签收，请于 10:10 前回复"收到"`);
  expect(reminders.every((m) => m.mentions.length > 0)).toBe(true); // the chiefs are @-mentioned

  // One more grid answers late; the deadline passes for the others.
  await gqlOk(a, await token('WORKER', 'XHG-B03-C07-M01'), 'mutation { acknowledgeInstruction(code: null, grid: null, note: null) { counted } }');
  clock.advance(5 * 60_000 + 1000);
  const due = await both();
  expect(due.map((r) => [r.stage, r.grids, r.messages])).toEqual([
    ['ack_overdue', targets - 2, 1],
    ['result_reminder', targets, targets],
  ]);
  expect(await both()).toEqual([]);
  outbox = await outboxFor(db.url, code);
  const told = outbox.filter((m) => m.dedupeKey.includes(':ack_overdue:'));
  expect(told).toHaveLength(1);
  expect(told[0]!.grid).toBe('XHG-B03-C07');
  expect(told[0]!.text).toMatch(new RegExp(`^❗${code} 燃气隐患排查 签收逾期 ${targets - 2} 个网格：`));
  expect(told[0]!.text).not.toContain('第12微网格');
  expect(told[0]!.mentions.length).toBeGreaterThan(0);

  const q = await gqlOk<{ instruction: { progress: { acknowledged: number; overdue: number }; receipts: Array<{ grid: { code: string }; ackOverdueAt: string | null }> } }>(
    a,
    commander,
    'query($c: String!) { instruction(code: $c) { progress { acknowledged overdue } receipts(first: 100) { grid { code } ackOverdueAt } } }',
    { c: code },
  );
  expect(q.instruction.progress).toEqual({ acknowledged: 2, overdue: targets - 2 });
  expect(q.instruction.receipts.filter((r) => r.ackOverdueAt !== null)).toHaveLength(targets - 2);

  clock.advance(10 * 60_000);
  expect((await both()).map((r) => [r.stage, r.grids, r.messages])).toEqual([['result_overdue', targets, 1]]);
  expect(await both()).toEqual([]);
});

it('stops chasing a cancelled instruction', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<{ issueInstruction: { code: string } }>(a, commander, 'mutation($i: IssueInstructionInput!) { issueInstruction(input: $i) { code } }', {
    i: { scope: 'XHG-B01', grade: 'IV', title: '演练通知' },
  });
  await gqlOk(a, commander, 'mutation($c: String!) { cancelInstruction(code: $c, reason: null) { status } }', { c: issueInstruction.code });
  clock.advance(3 * 24 * 3600_000);
  expect((await both()).filter((r) => r.code === issueInstruction.code)).toEqual([]);
});
