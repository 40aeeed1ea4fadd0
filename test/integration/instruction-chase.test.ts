import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { instructionChaseJob } from '../../src/jobs/instruction-chase.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { bindGroups, outboxFor } from '../factories/chat-groups';
import { deliverOutbox } from '../factories/delivery';
import { ACKNOWLEDGE_INSTRUCTION, CANCEL_INSTRUCTION, INSTRUCTION, ISSUE_INSTRUCTION } from '../operations';
import { gqlOk, useHub, type Hub } from '../setup/hub';

// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
// Two instances chase at once, as two schedulers would without their lock.
const t = useHub({ clock, instances: 2 });

beforeAll(async () => {
  await bindGroups(t.databaseUrl, { under: 'XHG' });
});

const token = (role: Op.Role, grid: string) => t.token(role, grid);
const run = (hub: Hub) => instructionChaseJob.run(createScope(hub.deps, OPERATOR), clock.now());
const both = async () => {
  const [ra, rb] = await Promise.all(t.hubs.map(run));
  return [...ra!, ...rb!];
};

it('reminds silent grids at half of each window and marks them overdue at its end, telling the parent once, with two instances', async () => {
  const commander = await token('COMMANDER', 'XHG');
  // Grade III from a community: its micro-grids, 10 min to acknowledge, 20 to report.
  const { issueInstruction } = await gqlOk<Op.IssueInstructionMutation>(t.hub, commander, ISSUE_INSTRUCTION, {
    input: { scope: 'XHG-B03-C07', grade: 'III', title: '燃气隐患排查', ackWithin: 10, resultWithin: 20 },
  });
  const { code, targets } = issueInstruction;
  // WeChat takes every message now: each grid's clock starts at once.
  await deliverOutbox(t.hub);
  const chief = await token('CHIEF', 'XHG-B03-C07-M12');
  await gqlOk(t.hub, chief, ACKNOWLEDGE_INSTRUCTION, { code: null, grid: null, note: null });

  clock.advance(4 * 60_000);
  expect(await both()).toEqual([]); // not yet half-way
  clock.advance(60_000);
  const half = await both();
  expect(half).toEqual([{ code, stage: 'ack_reminder', grids: targets - 1, messages: targets - 1 }]);
  expect(await both()).toEqual([]);
  let outbox = await outboxFor(t.databaseUrl, code);
  const reminders = outbox.filter((m) => m.dedupeKey.includes(':ack_reminder:'));
  expect(reminders).toHaveLength(targets - 1);
  expect(reminders.some((m) => m.grid === 'XHG-B03-C07-M12')).toBe(false);
  expect(reminders[0]!.text).toBe(`⏰ ${code} 燃气隐患排查 尚未签收，请于 10:10 前回复"收到"`);
  expect(reminders.every((m) => m.mentions.length > 0)).toBe(true); // the chiefs are @-mentioned

  // One more grid answers late; the deadline passes for the others.
  await gqlOk(t.hub, await token('WORKER', 'XHG-B03-C07-M01'), ACKNOWLEDGE_INSTRUCTION, { code: null, grid: null, note: null });
  clock.advance(5 * 60_000 + 1000);
  const due = await both();
  expect(due.map((r) => [r.stage, r.grids, r.messages])).toEqual([
    ['ack_overdue', targets - 2, 1],
    ['result_reminder', targets, targets],
  ]);
  expect(await both()).toEqual([]);
  outbox = await outboxFor(t.databaseUrl, code);
  const told = outbox.filter((m) => m.dedupeKey.includes(':ack_overdue:'));
  expect(told).toHaveLength(1);
  expect(told[0]!.grid).toBe('XHG-B03-C07');
  expect(told[0]!.text).toMatch(new RegExp(`^❗${code} 燃气隐患排查 签收逾期 ${targets - 2} 个网格：`));
  expect(told[0]!.text).not.toContain('第12微网格');
  expect(told[0]!.mentions.length).toBeGreaterThan(0);

  const q = await gqlOk<Op.InstructionQuery>(t.hub, commander, INSTRUCTION, { code, receipts: 100 });
  expect(q.instruction.progress).toEqual({ targets, acknowledged: 2, reported: 0, overdue: targets - 2 });
  expect(q.instruction.receipts.filter((r) => r.ackOverdueAt !== null)).toHaveLength(targets - 2);

  clock.advance(10 * 60_000);
  expect((await both()).map((r) => [r.stage, r.grids, r.messages])).toEqual([['result_overdue', targets, 1]]);
  expect(await both()).toEqual([]);
});

it('stops chasing a cancelled instruction', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const { issueInstruction } = await gqlOk<Op.IssueInstructionMutation>(t.hub, commander, ISSUE_INSTRUCTION, {
    input: { scope: 'XHG-B01', grade: 'IV', title: '演练通知' },
  });
  await gqlOk(t.hub, commander, CANCEL_INSTRUCTION, { code: issueInstruction.code, reason: null });
  clock.advance(3 * 24 * 3600_000);
  expect((await both()).filter((r) => r.code === issueInstruction.code)).toEqual([]);
});

it('chases a new urgent instruction behind more than a batch of older ones', async () => {
  const commander = await token('COMMANDER', 'XHG');
  const issue = async (title: string, ackWithin: number, resultWithin: number) => {
    const issued = (await gqlOk<Op.IssueInstructionMutation>(t.hub, commander, ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'III', title, ackWithin, resultWithin } })).issueInstruction;
    await deliverOutbox(t.hub);
    return issued;
  };
  // Four older instructions with long windows: nothing of theirs is due for hours.
  for (let i = 0; i < 4; i++) await issue(`长期排查 ${i}`, 600, 1200);
  clock.advance(60_000);
  const urgent = await issue('紧急转移', 10, 20);
  clock.advance(5 * 60_000 + 1000);
  const chased = await createScope(t.hub.deps, OPERATOR).instructionChase.run(clock.now(), 3);
  expect(chased).toEqual([{ code: urgent.code, stage: 'ack_reminder', grids: urgent.targets, messages: urgent.targets }]);
});
