import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { INCIDENT_CATEGORY, INCIDENT_CHANGED, RECATEGORIZE_INCIDENT } from '../operations';
import { codeIn, say } from '../setup/bot';
import { collect, gql, gqlOk, settle, useHub } from '../setup/hub';

// Issue 13 through Wechaty on the mock puppet: Traditional characters, the bare forms, and a
// report the classifier is unsure about, which the centre re-categorises over GraphQL.
const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
const t = useHub({ clock, bots: true });
const M = 'XHG-B02-C03-M05';

const incident = async (code: string) =>
  (await gqlOk<Op.IncidentCategoryQuery, Op.IncidentCategoryQueryVariables>(t.hub, await t.token('COMMANDER', 'XHG'), INCIDENT_CATEGORY, { code })).incident;

it('a report in Traditional characters is read as Simplified, classified and filed', async () => {
  const replies = await say(t.hub, M, 'worker', '#上報 3棟樓道裏電動車飛線充電，很危險');
  expect(replies).toHaveLength(1);
  expect(replies[0]).toMatch(/^已登记 E20261123-\d{4}【安全隐患】，限 \d+ 小时内处置$/);
  const found = await incident(codeIn(replies[0]));
  expect(found).toMatchObject({ category: 'SAFETY_HAZARD', description: '3栋楼道里电动车飞线充电,很危险', categoryGuesses: [] });
});

it('the bare forms: 紧急：/急！ report urgently; a lone # and 零报告几点前交？ are chat', async () => {
  const urgent = await say(t.hub, M, 'worker', '緊急：河邊有小孩溺水');
  expect(urgent[0]).toMatch(/^已登记 E20261123-\d{4}【安全隐患】（紧急），限 2 小时内处置$/);
  expect((await incident(codeIn(urgent[0]))).urgent).toBe(true);
  const short = await say(t.hub, M, 'worker', '急！2单元楼道电线冒烟');
  expect(short[0]).toMatch(/（紧急），限 2 小时内处置$/);

  expect(await say(t.hub, M, 'worker', '#')).toEqual([]);
  expect(await say(t.hub, M, 'worker', '零报告几点前交？')).toEqual([]);
  expect(await say(t.hub, M, 'worker', '急死了，快递还没到')).toEqual([]);
});

it('a report the classifier is unsure about is filed as other with two guesses; the centre re-categorises it, on the timeline and live', async () => {
  const replies = await say(t.hub, M, 'worker', '上报：那边的事情还没弄好');
  expect(replies[0]).toMatch(/^已登记 E20261123-\d{4}【其他】，限 \d+ 小时内处置$/);
  const code = codeIn(replies[0]);

  const filed = await incident(code);
  expect(filed.category).toBe('OTHER');
  expect(filed.categoryGuesses).toHaveLength(2);
  const [best, second] = filed.categoryGuesses;
  expect(best!.category).not.toBe('OTHER');
  expect(best!.confidence).toBeGreaterThanOrEqual(second!.confidence);
  expect(best!.confidence).toBeLessThan(1);

  // A grid worker may not re-categorise; a commander out of scope does not see it.
  const worker = await gql(t.hub, await t.token('WORKER', M), RECATEGORIZE_INCIDENT, { code, category: 'LIVELIHOOD' });
  expect(worker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const elsewhere = await gql(t.hub, await t.token('COMMANDER', 'XHG-B01'), RECATEGORIZE_INCIDENT, { code, category: 'LIVELIHOOD' });
  expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

  const feed = collect<Op.IncidentChangedSubscription>(t.ws(await t.token('VIEWER', 'XHG-B02-C03')), INCIDENT_CHANGED);
  await settle(300);
  const done = await gqlOk<Op.RecategorizeIncidentMutation, Op.RecategorizeIncidentMutationVariables>(t.hub, await t.token('COMMANDER', 'XHG'), RECATEGORIZE_INCIDENT, { code, category: 'LIVELIHOOD' });
  expect(done.recategorizeIncident).toEqual({ code, category: 'LIVELIHOOD', categoryGuesses: [] });
  await feed.until(1);
  expect(feed.events[0]!.incidentChanged).toEqual({ code, event: 'recategorize', status: 'REPORTED' });

  const after = await incident(code);
  expect(after.category).toBe('LIVELIHOOD');
  expect(after.timeline.map((s) => s.event)).toEqual(['report', 'recategorize']);
  expect(after.timeline[1]).toEqual({ event: 'recategorize', from: 'REPORTED', to: 'REPORTED', actorRole: 'commander', note: 'other → livelihood' });
  // The group sees the new category in the progress reply.
  expect((await say(t.hub, M, 'worker', `#进度 ${code}`))[0]).toMatch(new RegExp(`^${code}【民生服务】`));
});
