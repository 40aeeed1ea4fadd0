import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { clearanceJob } from '../../src/jobs/clearance.job';
import { createScope } from '../../src/scope';
import type { ClearanceTickResult } from '../../src/services/clearance-schedule.service';
import type * as Op from '../generated/operations';
import { bindGroups, C07_MICRO_GRIDS, outboxFor, rowsOf } from '../factories/chat-groups';
import { CLEARANCE_PROGRESS, CLEARANCE_RECORD, CLEARANCE_ROUND, CLEARANCE_ROUND_FIELDS, CONFIRM_CLEARANCE, REPORT_INCIDENT } from '../operations';
import { ADMIN, collect, gql, gqlOk, settle, useHub, type Hub } from '../setup/hub';

// 00:00:30 on Monday 23 November 2026 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T16:00:30Z'));
// Two instances on one database and one Redis, as two schedulers would run.
const t = useHub({ clock, redis: true, instances: 2 });
const C07 = 'XHG-B03-C07';
const M = (n: number) => `${C07}-M${String(n).padStart(2, '0')}`;

beforeAll(async () => {
  await bindGroups(t.databaseUrl, { codes: [C07, ...C07_MICRO_GRIDS] });
});

const token = (role: Op.Role, grid: string) => t.token(role, grid);
const tick = (hub: Hub) => clearanceJob.run(createScope(hub.deps, OPERATOR), clock.now());
/** Both instances tick at once, as two schedulers would without their lock: the database guards. */
const tickBoth = async (): Promise<ClearanceTickResult> => {
  const [x, y] = await Promise.all(t.hubs.map(tick));
  return {
    opened: [...x!.opened, ...y!.opened].sort(),
    caughtUp: [...x!.caughtUp, ...y!.caughtUp].sort(),
    rollCalls: x!.rollCalls + y!.rollCalls,
    reminders: x!.reminders + y!.reminders,
    missedLists: x!.missedLists + y!.missedLists,
    missed: x!.missed + y!.missed,
  };
};
const at = (iso: string) => clock.set(new Date(iso));
const round = async (tk: string, period: Op.ClearancePeriod, scope: string | null, date: string | null = null, status: Op.ClearanceSlotStatus | null = null) =>
  (await gqlOk<Op.ClearanceRoundQuery>(t.hub, tk, CLEARANCE_ROUND + CLEARANCE_ROUND_FIELDS, { period, date, scope, status })).clearanceRound;
const confirm = (tk: string, vars: Op.ConfirmClearanceMutationVariables) => gqlOk<Op.ConfirmClearanceMutation>(t.hub, tk, CONFIRM_CLEARANCE, vars).then((d) => d.confirmClearance);
/** The outbox rows of one kind about `ref`, by grid code. */
const outbox = async (kind: string, ref: string) =>
  (await outboxFor(t.databaseUrl, ref)).filter((o) => o.kind === kind).sort((x, y) => (x.grid < y.grid ? -1 : 1));
const chiefsOf = async (code: string) =>
  (await rowsOf<{ id: number }>(t.databaseUrl, `select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'chief' order by m.id`, [code])).map((r) => r.id);

it('opens each period’s round once with a slot per micro-grid, whichever instance ticks', async () => {
  const first = await tickBoth();
  expect(first.opened).toEqual(['D20261123', 'M202611', 'W2026W48']);
  expect(first.caughtUp).toEqual([]);
  expect((await tickBoth()).opened).toEqual([]);
  const day = await round(ADMIN, 'DAILY', null);
  expect(day).toMatchObject({ code: 'D20261123', period: 'DAILY', date: '2026-11-23', deadlineAt: '2026-11-23T12:00:00.000Z' });
  expect(day!.progress).toEqual({ targets: 151, confirmed: 0, zeroReports: 0, missed: 0, late: 0, pending: 151, flagged: 0 });
  expect(day!.children.map((c) => c.grid.code)).toEqual(['XHG']);
  const week = await round(ADMIN, 'WEEKLY', null, '2026-11-27');
  expect(week).toMatchObject({ code: 'W2026W48', date: '2026-11-23', deadlineAt: '2026-11-27T12:00:00.000Z' }); // Friday 20:00
  expect((await round(ADMIN, 'MONTHLY', null))!.deadlineAt).toBe('2026-11-30T12:00:00.000Z'); // Monday 30th, the last working day
  expect(await round(ADMIN, 'DAILY', null, '2026-11-24')).toBeNull(); // not opened yet
});

it('counts answers: a note, a zero report flagged for overdue incidents, a repeat, refusals', async () => {
  // An urgent incident in M13 reported at 00:00 is overdue by 03:00.
  const worker13 = await token('WORKER', M(13));
  await gqlOk(t.hub, worker13, REPORT_INCIDENT, { input: { grid: M(13), description: '燃气管道泄漏', urgent: true } });
  at('2026-11-23T01:00:00Z'); // 09:00

  const worker12 = await token('WORKER', M(12));
  const noted = await confirm(worker12, { period: 'DAILY', note: '辖区巡查无异常，垃圾已清运' });
  expect(noted).toMatchObject({ round: 'D20261123', alreadyConfirmed: false, message: `${M(12)} 今日日清已确认`, slot: { grid: { code: M(12) }, status: 'CONFIRMED', zeroReport: false, late: false } });

  const chief13 = await token('CHIEF', M(13));
  const zero = await confirm(chief13, { period: 'DAILY', zeroReport: true });
  expect(zero.slot).toMatchObject({ status: 'CONFIRMED', zeroReport: true, flaggedIncidents: ['E20261123-0001'] });
  expect(zero.message).toBe(`${M(13)} 今日日清已确认（零报告）\n注意：本网格仍有逾期未办结事件 E20261123-0001，零报告已标记待核，请尽快处置`);

  const again = await confirm(worker12, { period: 'DAILY', zeroReport: true });
  expect(again).toMatchObject({ alreadyConfirmed: true, message: `${M(12)} 今日日清已于 09:00 确认，无需重复`, slot: { zeroReport: false } });

  const refusals: Array<[string, Op.ConfirmClearanceMutationVariables, string]> = [
    [await token('CHIEF', C07), { period: 'DAILY', grid: C07 }, 'BAD_USER_INPUT'], // communities are not asked
    [await token('VIEWER', C07), { period: 'DAILY', grid: M(1) }, 'FORBIDDEN'],
    [worker12, { period: 'DAILY', grid: 'XHG-B01-C01-M01' }, 'NOT_FOUND'],
    [worker12, { period: 'DAILY', note: 'x'.repeat(2001) }, 'BAD_USER_INPUT'],
  ];
  for (const [tk, vars, code] of refusals) expect((await gql(t.hub, tk, CONFIRM_CLEARANCE, vars)).errors?.[0]?.extensions?.code).toBe(code);

  const community = await round(await token('VIEWER', C07), 'DAILY', null, null, 'CONFIRMED');
  expect(community!.progress).toEqual({ targets: 14, confirmed: 2, zeroReports: 1, missed: 0, late: 0, pending: 12, flagged: 1 });
  expect(community!.children).toHaveLength(14);
  expect(community!.children.find((c) => c.grid.code === M(13))!.progress).toEqual({ targets: 1, confirmed: 1, zeroReports: 1, missed: 0 });
  expect(community!.slots.map((s) => [s.grid.code, s.note])).toEqual([[M(12), '辖区巡查无异常，垃圾已清运'], [M(13), null]]);
  const block = await round(ADMIN, 'DAILY', 'XHG-B03');
  expect(block!.children.map((c) => [c.grid.code, c.progress.targets, c.progress.confirmed])).toEqual([
    ['XHG-B03-C04', 8, 0],
    ['XHG-B03-C05', 9, 0],
    ['XHG-B03-C06', 10, 0],
    [C07, 14, 2],
  ]);
});

it('pushes progress live across instances, once per shape, coalesced', async () => {
  const viewer = await token('VIEWER', 'XHG-B03');
  const b = t.hubs[1]!;
  const dash1 = t.ws(viewer, b);
  const dash2 = t.ws(viewer, b);
  type Push = Op.ClearanceProgressSubscription;
  const q = CLEARANCE_PROGRESS + CLEARANCE_ROUND_FIELDS;
  const one = collect<Push>(dash1, q, { scope: C07, period: 'DAILY' });
  const two = collect<Push>(dash2, q, { scope: C07 });
  await one.until(1);
  await two.until(1);
  expect(one.events[0]!.clearanceProgress!.progress.confirmed).toBe(2);
  // Two dashboards asking the same thing share one computation on this instance.
  const [c07] = await rowsOf<{ path: string }>(t.databaseUrl, 'select path::text as path from grid where code = $1', [C07]);
  // (Two shapes: the variables differ; both join the one clearance feed of the scope and period.)
  expect(b.deps.feeds.sizes).toMatchObject({ [`feed:clearance|daily|${c07!.path}`]: 2 });

  // Three answers through the other instance in a burst: the first is pushed at once, the rest folded.
  for (const n of [1, 2, 3]) await confirm(await token('CHIEF', M(n)), { period: 'DAILY', zeroReport: true });
  await settle(1500);
  const last = one.events[one.events.length - 1]!.clearanceProgress!;
  expect(last.progress).toMatchObject({ confirmed: 5, zeroReports: 4, pending: 9 });
  expect(one.events.length).toBeLessThanOrEqual(3); // the initial value + at most two for three changes
  expect(two.events.map((e) => e.clearanceProgress!.progress.confirmed)).toEqual(one.events.map((e) => e.clearanceProgress!.progress.confirmed));
  expect(one.errors).toEqual([]);
});

it('posts the roll-call, reminds the silent and marks misses once, then counts a late answer', async () => {
  at('2026-11-23T09:30:00Z'); // 17:30
  const call = await tickBoth();
  expect(call.rollCalls).toBe(14 - 5); // the bound micro-grids that have not answered
  expect((await tickBoth()).rollCalls).toBe(0);
  const calls = await outbox('rollcall', 'D20261123');
  expect(calls.map((c) => c.grid)).toEqual(C07_MICRO_GRIDS.filter((c) => ![1, 2, 3, 12, 13].includes(Number(c.slice(-2)))));
  expect(calls[0]!.text).toMatch(/^【日清点名】11月23日 XHG-B03-C07-M04 .+\n今日上报 0 件，已处置 0 件，未办结 0 件，无逾期\n请于 20:00 前回复 #日清 情况说明；无事项回复 #零报告$/);

  at('2026-11-23T11:30:00Z'); // 19:30
  expect((await tickBoth()).reminders).toBe(9);
  expect((await tickBoth()).reminders).toBe(0);
  const reminders = await outbox('reminder', 'D20261123');
  expect(reminders[0]).toMatchObject({ grid: M(4), text: `${M(4)} 今日日清尚未确认，请于 20:00 前回复 #日清 情况说明；无事项回复 #零报告`, mentions: await chiefsOf(M(4)) });

  at('2026-11-23T12:00:00Z'); // 20:00, the deadline
  const close = await tickBoth();
  expect(close).toMatchObject({ missed: 151 - 5, missedLists: 1 }); // only C07 has a bound group among the parents
  expect((await tickBoth()).missed).toBe(0);
  const [list] = await outbox('missed', 'D20261123');
  expect(list).toMatchObject({ grid: C07, mentions: await chiefsOf(C07) });
  expect(list!.text).toBe(`【日清未确认】11月23日（20:00 截止）${C07} 下 9 个网格未确认：${[4, 5, 6, 7, 8, 9, 10, 11, 14].map(M).join('、')}。已记为未按时确认，请督促补报。`);

  at('2026-11-23T13:00:00Z'); // 21:00: late, but it counts
  const late = await confirm(await token('CHIEF', M(4)), { period: 'DAILY', note: '补报：已巡查' });
  expect(late).toMatchObject({ message: `${M(4)} 今日日清已确认（已过 20:00 截止，记为迟报）`, slot: { status: 'CONFIRMED', late: true } });
  expect((await round(ADMIN, 'DAILY', C07))!.progress).toEqual({ targets: 14, confirmed: 6, zeroReports: 4, missed: 8, late: 1, pending: 0, flagged: 1 });
});

it('catches up a round missed while every instance was down, without chasing a past day', async () => {
  at('2026-11-25T03:00:00Z'); // Wednesday 11:00: all of Tuesday passed with no instance running
  const r = await tickBoth();
  expect(r.opened).toEqual(['D20261124', 'D20261125']);
  expect(r.caughtUp).toEqual(['D20261124', 'D20261125']);
  expect(r).toMatchObject({ rollCalls: 0, reminders: 0, missed: 151, missedLists: 1 }); // Tuesday closed at once
  const tuesday = await round(ADMIN, 'DAILY', C07, '2026-11-24');
  expect(tuesday).toMatchObject({ code: 'D20261124', openedAt: '2026-11-25T03:00:00.000Z', startsAt: '2026-11-23T16:00:00.000Z' });
  expect(tuesday!.progress).toMatchObject({ targets: 14, missed: 14 });
  expect(await outbox('rollcall', 'D20261124')).toEqual([]);
  expect((await outbox('missed', 'D20261124')).map((m) => m.grid)).toEqual([C07]);
  expect(await round(ADMIN, 'DAILY', C07)).toMatchObject({ code: 'D20261125', progress: { pending: 14 } });
});

it('keeps each grid’s record: on-time rate and streak for the assessment', async () => {
  const chief = await token('CHIEF', M(12));
  const rec = async () => (await gqlOk<Op.ClearanceRecordQuery>(t.hub, chief, CLEARANCE_RECORD, { grid: M(12), period: 'DAILY', last: 30 })).clearanceRecord;
  // Monday on time, Tuesday missed, Wednesday still open and unanswered (not judged).
  expect(await rec()).toMatchObject({ rounds: 2, onTime: 1, missed: 1, onTimeRate: 0.5, streak: 0, longestStreak: 1 });
  await confirm(chief, { period: 'DAILY', zeroReport: true });
  expect(await rec()).toMatchObject({ rounds: 3, onTime: 2, zeroReports: 1, streak: 1, entries: [{ round: 'D20261123' }, { round: 'D20261124', status: 'MISSED' }, { round: 'D20261125', status: 'CONFIRMED', late: false }] });
  const m4 = (await gqlOk<Op.ClearanceRecordQuery>(t.hub, ADMIN, CLEARANCE_RECORD, { grid: M(4), period: 'DAILY' })).clearanceRecord;
  expect(m4).toMatchObject({ rounds: 2, onTime: 0, late: 1, missed: 1, onTimeRate: 0 });
});
