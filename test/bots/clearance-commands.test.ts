import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { clearanceJob } from '../../src/jobs/clearance.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { CLEARANCE_PROGRESS, CLEARANCE_ROUND, CLEARANCE_ROUND_FIELDS, OUTBOX_MESSAGES } from '../operations';
import { say } from '../setup/bot';
import { ADMIN, collect, gqlOk, useHub } from '../setup/hub';

// 10:00 on Monday 23 November 2026 in Shanghai.
const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
const t = useHub({ clock, bots: true });
const M12 = 'XHG-B03-C07-M12';

it('a chief’s #零报告 in the group shows up in today’s round and on a dashboard live', async () => {
  const dash = t.ws(ADMIN);
  const feed = collect<Op.ClearanceProgressSubscription>(dash, CLEARANCE_PROGRESS + CLEARANCE_ROUND_FIELDS, { scope: 'XHG-B03-C07' });
  await feed.until(1);
  expect(feed.events[0]!.clearanceProgress).toBeNull(); // no round opened yet today

  expect(await say(t.hub, M12, 'chief', '#零报告')).toEqual([`${M12} 今日日清已确认（零报告）`]);
  // The round opened with the answer: its opening and the answer may come as one push or two.
  await feed.until(2);
  if (feed.events[feed.events.length - 1]!.clearanceProgress!.progress.confirmed === 0) await feed.until(3);
  expect(feed.events[feed.events.length - 1]!.clearanceProgress).toMatchObject({ code: 'D20261123', progress: { targets: 14, confirmed: 1, zeroReports: 1 } });
  const round = await gqlOk<Op.ClearanceRoundQuery>(t.hub, ADMIN, CLEARANCE_ROUND + CLEARANCE_ROUND_FIELDS, { period: 'DAILY', scope: M12, status: 'CONFIRMED' });
  expect(round.clearanceRound!.slots).toEqual([{ grid: { code: M12 }, status: 'CONFIRMED', zeroReport: true, late: false, note: null, flaggedIncidents: [] }]);

  expect(await say(t.hub, M12, 'worker', '#日清 零报告')).toEqual([`${M12} 今日日清已于 10:00 确认，无需重复`]);
});

it('answers weekly and monthly clearance with a note, flags a zero report over overdue incidents, refuses a community', async () => {
  const M05 = 'XHG-B03-C07-M05';
  expect(await say(t.hub, M05, 'worker', '#周清 本周矛盾纠纷已全部化解')).toEqual([`${M05} 本周周清已确认`]);
  expect(await say(t.hub, M05, 'chief', '#月清 零报告')).toEqual([`${M05} 本月月清已确认（零报告）`]);

  const [reported] = await say(t.hub, 'XHG-B03-C07-M06', 'worker', '#紧急 3栋燃气泄漏');
  const code = /E\d{8}-\d{4}/.exec(reported!)![0];
  clock.advance(3 * 3600_000); // 13:00: the urgent incident is 1 h overdue
  expect(await say(t.hub, 'XHG-B03-C07-M06', 'chief', '今日零报告')).toEqual([
    `XHG-B03-C07-M06 今日日清已确认（零报告）\n注意：本网格仍有逾期未办结事件 ${code}，零报告已标记待核，请尽快处置`,
  ]);
  expect(await say(t.hub, 'XHG-B03-C07', 'chief', '#日清 社区无事项')).toEqual(['XHG-B03-C07 不参加日清，由各微网格确认']);
});

it('posts the roll-call and then the reminders into the silent groups through Wechaty', async () => {
  const run = (iso: string) => (clock.set(new Date(iso)), clearanceJob.run(createScope(t.hub.deps, OPERATOR), clock.now()));
  const drain = async () => {
    for (const account of t.hub.bots!.status()) await t.hub.bots!.worker(account.name)!.drain();
  };
  const sent = async (kind: string) =>
    (await gqlOk<Op.OutboxMessagesQuery>(t.hub, ADMIN, OUTBOX_MESSAGES, { under: 'XHG-B03-C07', ref: 'D20261123', first: 200 })).outboxMessages
      .filter((m) => m.kind === kind)
      .sort((x, y) => (x.grid ?? '').localeCompare(y.grid ?? ''));

  await say(t.hub, 'XHG-B03-C07-M07', 'worker', '#上报 5栋楼道堆放杂物');
  expect((await run('2026-11-23T09:30:00Z')).rollCalls).toBe(151 - 2); // every micro-grid's group but the two that answered
  await drain();
  const calls = await sent('rollcall');
  expect(calls).toHaveLength(14 - 2);
  expect(calls.every((c) => c.status === 'sent')).toBe(true);
  expect(calls.find((c) => c.grid === 'XHG-B03-C07-M07')!.text).toContain('\n今日上报 1 件，已处置 0 件，未办结 1 件，无逾期\n');

  expect((await run('2026-11-23T11:30:00Z')).reminders).toBe(151 - 2);
  await drain();
  expect((await sent('reminder')).map((r) => r.status)).toEqual(Array(12).fill('sent'));
});
