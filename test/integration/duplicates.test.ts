import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { INCIDENT_LINKS, MERGE_INCIDENTS, REPORT_INCIDENT, SPLIT_INCIDENT, STATS } from '../operations';
import { bindGroups } from '../factories/chat-groups';
import { gql, gqlOk, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock });
const C = 'XHG-B03-C07';

const report = async (grid: string, description: string): Promise<string> =>
  (await gqlOk<Op.ReportIncidentMutation>(t.hub, await t.token('WORKER', grid), REPORT_INCIDENT, { input: { grid, description } })).reportIncident.code;
const links = async (code: string) => (await gqlOk<Op.IncidentLinksQuery>(t.hub, await t.token('VIEWER', 'XHG'), INCIDENT_LINKS, { code })).incident;
const reportedToday = async () =>
  (await gqlOk<Op.StatsQuery>(t.hub, await t.token('VIEWER', 'XHG'), STATS, { scope: C, from: '2026-11-21T16:00:00Z', to: '2026-11-22T16:00:00Z' })).stats.reported;

it('links a report that looks like an open one in the same or a sibling grid, and nothing else', async () => {
  const first = await report(`${C}-M03`, '3栋下水道篦子破损，有行人绊倒风险');
  const sibling = await report(`${C}-M04`, '3栋下水道篦子坏了，有行人绊倒');
  const unlike = await report(`${C}-M03`, '广场舞音响太吵，晚上十点还在放');
  const elsewhere = await report('XHG-B01-C01-M01', '3栋下水道篦子破损，有行人绊倒风险');
  expect(await links(sibling)).toMatchObject({ duplicateOf: first, mergedInto: null });
  expect(await links(unlike)).toMatchObject({ duplicateOf: null });
  expect(await links(elsewhere)).toMatchObject({ duplicateOf: null });
  expect(await links(first)).toMatchObject({ duplicateOf: null });
});

it('the centre merges a duplicate into its survivor: timeline kept, each reporter told, counted once; a split undoes it', async () => {
  await bindGroups(t.databaseUrl, { codes: [`${C}-M05`, `${C}-M06`] });
  const survivor = await report(`${C}-M05`, '小区东门路灯不亮，晚上很黑');
  const duplicate = await report(`${C}-M06`, '小区东门路灯不亮了，晚上黑');
  expect((await links(duplicate)).duplicateOf).toBe(survivor);
  const before = await reportedToday();

  const worker = await t.token('WORKER', `${C}-M06`);
  expect((await gql(t.hub, worker, MERGE_INCIDENTS, { survivor, duplicate })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });

  const centre = await t.token('COMMANDER', 'XHG');
  const merged = await gqlOk<Op.MergeIncidentsMutation>(t.hub, centre, MERGE_INCIDENTS, { survivor, duplicate });
  expect(merged.mergeIncidents.code).toBe(survivor);
  expect(merged.mergeIncidents.timeline.at(-1)).toMatchObject({ event: 'merge', note: `${duplicate}：小区东门路灯不亮了，晚上黑` });
  expect(await links(duplicate)).toMatchObject({ status: 'REJECTED', mergedInto: survivor });
  expect(await reportedToday()).toBe(before - 1);
  const { rows } = await t.pg.query(`select g.code, o.text from outbox_message o join grid g on g.id = o.grid_id where o.kind = 'merge' order by g.code`);
  const told = `${duplicate} 与 ${survivor} 为同一事件，已合并，请以 ${survivor} 查询进度`;
  expect(rows).toEqual([
    { code: `${C}-M05`, text: told },
    { code: `${C}-M06`, text: told },
  ]);
  expect((await gql(t.hub, centre, MERGE_INCIDENTS, { survivor, duplicate })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });

  const split = await gqlOk<Op.SplitIncidentMutation>(t.hub, centre, SPLIT_INCIDENT, { code: duplicate });
  expect(split.splitIncident).toEqual({ code: duplicate, status: 'REPORTED', duplicateOf: null, mergedInto: null });
  expect(await reportedToday()).toBe(before);
});

it('compares only recent reports: one older than the window is not an original', async () => {
  const old = await report(`${C}-M07`, '垃圾站旁边的围墙倒塌了一半');
  clock.advance(73 * 3_600_000);
  const fresh = await report(`${C}-M07`, '垃圾站旁边的围墙倒塌了一半');
  expect((await links(fresh)).duplicateOf).toBeNull();
  expect((await links(old)).duplicateOf).toBeNull();
});
