import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { instructionChaseJob } from '../../src/jobs/instruction-chase.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { bindGroups, C07_MICRO_GRIDS, outboxFor } from '../factories/chat-groups';
import { deliverOutbox } from '../factories/delivery';
import { INSTRUCTION_DELIVERY, INSTRUCTION_DELIVERY_PROGRESS, ISSUE_INSTRUCTION } from '../operations';
import { collect, gqlOk, settle, useHub } from '../setup/hub';

// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock });

const M = (n: number) => C07_MICRO_GRIDS[n - 1]!;
// C07's micro-grids 1–7 are served by account bot-a, 8–13 by bot-b; M14 has no group at all.
const FIRST = C07_MICRO_GRIDS.slice(0, 7);
const SECOND = C07_MICRO_GRIDS.slice(7, 13);

beforeAll(async () => {
  await bindGroups(t.databaseUrl, { codes: FIRST }, 'bot-a');
  await bindGroups(t.databaseUrl, { codes: SECOND }, 'bot-b');
});

const delivery = async (code: string, under: string | null = null) =>
  (await gqlOk<Op.InstructionDeliveryQuery>(t.hub, await t.token('COMMANDER', 'XHG'), INSTRUCTION_DELIVERY, { code, under })).instruction;
const chase = () => instructionChaseJob.run(createScope(t.hub.deps, OPERATOR), clock.now());
const issue = async (input: Op.IssueInstructionInput) =>
  (await gqlOk<Op.IssueInstructionMutation>(t.hub, await t.token('COMMANDER', 'XHG'), ISSUE_INSTRUCTION, { input })).issueInstruction;

it('starts each grid’s clocks when its group is sent the instruction: a grid still being told is not overdue, and is chased on its own time', async () => {
  const issued = await issue({ scope: 'XHG-B03-C07', grade: 'III', title: '燃气隐患排查', ackWithin: 10, resultWithin: 30 });
  const { code, targets } = issued;
  expect(targets).toBe(14);

  // At issue: nobody told yet, M14 (no group, no second channel) unreachable at once.
  let d = await delivery(code);
  expect(d.progress).toEqual({ targets: 14, delivered: 0, delivering: 13, unreachable: 1, acknowledged: 0, overdue: 0 });
  expect(d.unreachableGrids.total).toBe(1);
  expect(d.unreachableGrids.grids.map((r) => [r.grid.code, r.unreachableReason])).toEqual([[M(14), 'no_channel']]);

  // bot-a sends at 10:00, bot-b only at 10:08 (a backlog, a slow account).
  expect(await deliverOutbox(t.hub, { botAccount: 'bot-a' })).toBe(7);
  d = await delivery(code);
  expect(d.progress).toMatchObject({ delivered: 7, delivering: 6, unreachable: 1 });
  clock.advance(8 * 60_000);
  expect(await deliverOutbox(t.hub, { botAccount: 'bot-b' })).toBe(6);

  d = await delivery(code);
  const byGrid = new Map(d.receipts.map((r) => [r.grid.code, r]));
  expect(byGrid.get(M(1))).toMatchObject({ deliveredAt: '2026-11-22T02:00:00.000Z', deliveredVia: 'wechat', ackDueAt: '2026-11-22T02:10:00.000Z', resultDueAt: '2026-11-22T02:30:00.000Z' });
  expect(byGrid.get(M(8))).toMatchObject({ deliveredAt: '2026-11-22T02:08:00.000Z', ackDueAt: '2026-11-22T02:18:00.000Z', resultDueAt: '2026-11-22T02:38:00.000Z' });
  expect(byGrid.get(M(14))).toMatchObject({ deliveredAt: null, ackDueAt: null, unreachableReason: 'no_channel' });

  // 10:05: half of bot-a's grids' window: only they are reminded, and of their own deadline.
  clock.set(new Date('2026-11-22T02:05:00Z'));
  expect(await chase()).toEqual([{ code, stage: 'ack_reminder', grids: 7, messages: 7 }]);
  // 10:10:01: bot-a's grids are overdue; bot-b's (told at 10:08) are not, nor is the unreachable M14.
  clock.set(new Date('2026-11-22T02:10:01Z'));
  expect((await chase()).map((r) => [r.stage, r.grids])).toEqual([['ack_overdue', 7]]);
  d = await delivery(code);
  expect(d.progress.overdue).toBe(7);
  expect(d.receipts.filter((r) => r.ackOverdueAt !== null).map((r) => r.grid.code).sort()).toEqual(FIRST);
  // 10:13: bot-b's grids reach half of their window; their reminder names 10:18.
  clock.set(new Date('2026-11-22T02:13:00Z'));
  expect((await chase()).map((r) => [r.stage, r.grids])).toEqual([['ack_reminder', 6]]);
  const reminders = (await outboxFor(t.databaseUrl, code)).filter((m) => m.dedupeKey.includes(':ack_reminder:'));
  expect(reminders.find((m) => m.grid === M(1))!.text).toContain('请于 10:10 前回复');
  expect(reminders.find((m) => m.grid === M(8))!.text).toContain('请于 10:18 前回复');
  // 10:18:01: bot-b's grids are overdue too, and bot-a's are half-way through their result window (10:15).
  clock.set(new Date('2026-11-22T02:18:01Z'));
  expect((await chase()).map((r) => [r.stage, r.grids])).toEqual([['ack_overdue', 6], ['result_reminder', 7]]);
  expect((await delivery(code)).progress.overdue).toBe(13);
});

it('marks a grid unreachable when WeChat gives its message up, counts it per level and per child, and tells the live feed', async () => {
  clock.set(new Date('2026-11-23T02:00:00Z'));
  const dash = t.ws(await t.token('VIEWER', 'XHG'));
  const { code } = await issue({ scope: 'XHG-B03', grade: 'II', title: '防汛巡查', levels: ['MICRO_GRID'] });
  const live = collect<Op.InstructionDeliveryProgressSubscription>(dash, INSTRUCTION_DELIVERY_PROGRESS, { code });
  await live.until(1, 20_000);
  await settle(300);
  expect(live.events[0]!.instructionProgress.progress).toMatchObject({ delivered: 0, delivering: 13 });

  // WeChat refuses M03's group for good; the others go out.
  const refused = `room-${M(3).toLowerCase()}@chatroom`;
  await deliverOutbox(t.hub, { botAccount: 'bot-a', refuse: (room) => room === refused });
  await deliverOutbox(t.hub, { botAccount: 'bot-b' });

  const d = await delivery(code, 'XHG-B03');
  // Every micro-grid of B03 receives it; only C07's 13 have a group.
  const targets = d.progress.targets;
  expect(d.progress).toMatchObject({ delivered: 12, delivering: 0, unreachable: targets - 12 });
  expect(d.unreachableGrids.grids.find((r) => r.grid.code === M(3))).toMatchObject({ unreachableReason: 'failed' });
  expect(d.unreachableGrids.grids.find((r) => r.grid.code === M(14))).toMatchObject({ unreachableReason: 'no_channel' });
  expect(d.levelProgress).toEqual([{ level: 'MICRO_GRID', progress: { targets, delivered: 12, delivering: 0, unreachable: targets - 12 } }]);
  const c07 = d.childProgress.find((c) => c.grid.code === 'XHG-B03-C07')!;
  expect(c07.progress).toEqual({ targets: 14, delivered: 12, delivering: 0, unreachable: 2, overdue: 0 });

  // The dashboard saw the deliveries without asking.
  const until = Date.now() + 20_000;
  while (Date.now() < until && live.events.at(-1)!.instructionProgress.progress.delivering > 0) await settle(50);
  expect(live.events.at(-1)!.instructionProgress.progress).toEqual({ targets, delivered: 12, delivering: 0, unreachable: targets - 12 });
});
