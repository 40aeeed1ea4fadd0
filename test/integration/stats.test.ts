import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { clearanceJob } from '../../src/jobs/clearance.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import {
  CONFIRM_CLEARANCE,
  DISPATCH_INCIDENT,
  FIGURES_FIELDS,
  HANDLE_INCIDENT,
  LEAGUE,
  MERGE_INCIDENTS,
  RATE_INCIDENT,
  RECATEGORIZE_INCIDENT,
  REOPEN_INCIDENT,
  REPORT_INCIDENT,
  RESOLVE_INCIDENT,
  RETURN_INCIDENT,
  START_INCIDENT,
  STATS_BREAKDOWNS,
  STATS_CHANGED_BY_GRID,
  VERIFY_INCIDENT,
} from '../operations';
import { departmentToken } from '../factories/departments';
import { uploadPhoto } from '../factories/photos';
import { ADMIN, collect, gqlOk, settle, useHub } from '../setup/hub';

// 00:00:30 on Monday 23 November 2026 in Shanghai (the hub's TZ_GRID).
const DAY0 = Date.parse('2026-11-22T16:00:30Z');
const DAY = 24 * 3600_000;
const clock = new ManualClock(new Date(DAY0));
const t = useHub({ clock });
const hours = (h: number) => clock.advance(h * 3600_000);
const OPEN = `('reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'returned')`;

const report = async (grid: string, description: string, extra: Partial<Op.ReportIncidentInput> = {}) =>
  (await gqlOk<Op.ReportIncidentMutation>(t.hub, await t.token('WORKER', grid), REPORT_INCIDENT, { input: { grid, description, ...extra } })).reportIncident.code;

/** Dispatch to `department`, which starts and resolves; the grid's worker verifies and gives the verdict. */
async function work(code: string, grid: string, community: string, department: string, satisfied: boolean): Promise<void> {
  const dept = await departmentToken(t.hub, t.databaseUrl, community, department);
  const worker = await t.token('WORKER', grid);
  await gqlOk(t.hub, dept, START_INCIDENT, { code });
  await gqlOk(t.hub, dept, RESOLVE_INCIDENT, { code, note: '已处理', photos: [await uploadPhoto(t.hub, dept)] });
  await gqlOk(t.hub, worker, VERIFY_INCIDENT, { code, photos: [await uploadPhoto(t.hub, worker)], note: null });
  await gqlOk(t.hub, worker, RATE_INCIDENT, { code, satisfied, note: satisfied ? null : '还没弄好' });
}

/**
 * One day of realistic work under street XHG-B03 (and one grid of XHG-B04): reports, handling on
 * the spot, dispatch to departments with a return, unsatisfied and satisfied verdicts, a reopen,
 * a merged duplicate, a recategorisation, an urgent dispute closed late and open ones left overdue.
 */
async function dayOfWork(d: number): Promise<void> {
  const centre = await t.token('COMMANDER', 'XHG');
  clock.set(new Date(DAY0 + d * DAY));
  await clearanceJob.run(createScope(t.hub.deps, OPERATOR), clock.now());
  clock.set(new Date(DAY0 + d * DAY + 9 * 3600_000)); // 09:00
  for (const grid of ['XHG-B03-C07-M01', 'XHG-B03-C07-M02', 'XHG-B03-C05-M01'].slice(0, 3 - d)) {
    await gqlOk(t.hub, ADMIN, CONFIRM_CLEARANCE, { period: 'DAILY', grid, note: null, zeroReport: false });
  }
  const a = await report('XHG-B03-C07-M01', `路灯不亮了 ${d}`, { category: 'FACILITY' });
  const b = await report('XHG-B03-C07-M02', `小区门口有人吵架 ${d}`, { category: 'DISPUTE', urgent: true });
  const c = await report('XHG-B03-C05-M01', `下水道堵塞反味 ${d}`, { category: 'SANITATION' });
  const e1 = await report('XHG-B03-C05-M02', `垃圾桶满了没人清运 ${d}`, { category: 'SANITATION' });
  const e2 = await report('XHG-B03-C05-M02', `垃圾桶满了没人清运了 ${d}`, { category: 'SANITATION' });
  const f = await report('XHG-B03-C04-M01', `路面有个坑 ${d}`, { category: 'OTHER' });
  await report('XHG-B04-C08-M01', `楼道堆放杂物 ${d}`);
  hours(1);
  await gqlOk(t.hub, await t.token('WORKER', 'XHG-B03-C07-M01'), HANDLE_INCIDENT, { code: a, note: '已修好' });
  await gqlOk(t.hub, centre, MERGE_INCIDENTS, { survivor: e1, duplicate: e2 });
  await gqlOk(t.hub, centre, RECATEGORIZE_INCIDENT, { code: f, category: 'FACILITY' });
  await gqlOk(t.hub, centre, DISPATCH_INCIDENT, { code: c, department: '城管', deadline: null });
  await work(c, 'XHG-B03-C05-M01', 'XHG-B03-C05', '城管', false);
  hours(2);
  await work(c, 'XHG-B03-C05-M01', 'XHG-B03-C05', '城管', true);
  await gqlOk(t.hub, centre, DISPATCH_INCIDENT, { code: f, department: '供电', deadline: null });
  await gqlOk(t.hub, await departmentToken(t.hub, t.databaseUrl, 'XHG-B03-C04', '供电'), RETURN_INCIDENT, { code: f, note: '不归我们管' });
  await gqlOk(t.hub, centre, DISPATCH_INCIDENT, { code: f, department: '城管', deadline: null });
  if (d === 1) {
    await gqlOk(t.hub, centre, REOPEN_INCIDENT, { code: c, note: '12345 再次投诉' });
    // The urgent dispute (2 h) is handled 4 h after it was reported: closed late.
    await gqlOk(t.hub, await t.token('WORKER', 'XHG-B03-C07-M02'), HANDLE_INCIDENT, { code: b, note: '已调解' });
  }
  if (d === 2) await work(f, 'XHG-B03-C04-M01', 'XHG-B03-C04', '城管', true);
  hours(30); // into the next day: the rest stays open, some overdue
}

type Counts = { reported: number; handledOnSite: number; closed: number; onTime: number; overdue: number; open: number; satisfactionRate: number | null; medianHoursToClose: number | null };

/** The figures recounted straight from the incidents (merged duplicates left out), grouped by `key`. */
async function recount(scope: string, from: string, to: string, key: string, join = ''): Promise<Record<string, Counts>> {
  const { rows } = await t.pg.query(
    `select ${key} as k, count(*)::int as reported, (count(*) filter (where i.status = 'handled'))::int as "handledOnSite",
            (count(*) filter (where i.status in ('handled', 'closed')))::int as closed,
            (count(*) filter (where i.status in ('handled', 'closed') and i.closed_at <= i.deadline_at))::int as "onTime",
            (count(*) filter (where i.status in ${OPEN} and i.deadline_at < $4))::int as overdue,
            (count(*) filter (where i.status in ${OPEN}))::int as open,
            (count(*) filter (where i.satisfied))::float / nullif(count(i.satisfied), 0) as "satisfactionRate",
            percentile_cont(0.5) within group (order by extract(epoch from i.closed_at - i.created_at) / 3600) filter (where i.status in ('handled', 'closed')) as "medianHoursToClose"
       from incident i join grid s on i.path <@ s.path ${join}
      where s.code = $1 and i.merged_into_id is null and i.created_at >= $2 and i.created_at < $3
      group by 1`,
    [scope, from, to, clock.now()],
  );
  return Object.fromEntries(rows.map((r) => [r.k, { ...r, k: undefined }]).map(([k, r]) => [k, JSON.parse(JSON.stringify(r)) as Counts]));
}

const counts = (s: Counts & Record<string, unknown>): Counts => ({
  reported: s.reported,
  handledOnSite: s.handledOnSite,
  closed: s.closed,
  onTime: s.onTime,
  overdue: s.overdue,
  open: s.open,
  satisfactionRate: s.satisfactionRate,
  medianHoursToClose: s.medianHoursToClose,
});

/** Medians come from an hour histogram: within the hour of the exact one. */
function expectFigures(got: Record<string, Counts>, want: Record<string, Counts>): void {
  const strip = (m: Record<string, Counts>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { ...v, medianHoursToClose: v.medianHoursToClose === null }]));
  expect(strip(got)).toEqual(strip(want));
  for (const [k, v] of Object.entries(want)) {
    if (v.medianHoursToClose !== null) expect(Math.abs(got[k]!.medianHoursToClose! - v.medianHoursToClose)).toBeLessThan(1);
  }
}

beforeAll(async () => {
  for (let d = 0; d < 3; d++) await dayOfWork(d);
}, 180_000);

it('keeps rollups equal to a recount from the incidents and the clearance slots after a mix of operations', async () => {
  const kept = await t.pg.query(
    `select grid_id, to_char(day, 'YYYY-MM-DD') as day, category, department_id, to_char(deadline_day, 'YYYY-MM-DD') as deadline_day,
            reported, handled, closed, on_time, rated, satisfied, open
       from incident_rollup where (reported, handled, closed, on_time, rated, satisfied, open) <> (0, 0, 0, 0, 0, 0, 0) order by 1, 2, 3, 4, 5`,
  );
  const recounted = await t.pg.query(
    `select a.grid_id, to_char((i.created_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as day, i.category, coalesce(i.department_id, 0) as department_id,
            to_char((i.deadline_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD') as deadline_day,
            count(*)::int as reported, (count(*) filter (where i.status = 'handled'))::int as handled,
            (count(*) filter (where i.status in ('handled', 'closed')))::int as closed,
            (count(*) filter (where i.status in ('handled', 'closed') and i.closed_at <= i.deadline_at))::int as on_time,
            count(i.satisfied)::int as rated, (count(*) filter (where i.satisfied))::int as satisfied, (count(*) filter (where i.status in ${OPEN}))::int as open
       from incident i cross join unnest(string_to_array(i.path::text, '.')::int[]) a(grid_id)
      where i.merged_into_id is null group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
  );
  expect(recounted.rows.length).toBeGreaterThan(20);
  expect(kept.rows).toEqual(recounted.rows);
  // The mix did happen: merged, reopened, returned, closed late, unsatisfied.
  const { rows: [mix] } = await t.pg.query(
    `select (select count(*) from incident where merged_into_id is not null)::int as merged,
            (select count(*) from incident_event where event in ('reopen', 'return', 'recategorize'))::int as moved,
            (select count(*) from incident where status in ('handled', 'closed') and closed_at > deadline_at)::int as late,
            (select count(*) from incident_event where event = 'rate' and to_state <> 'closed')::int as unsatisfied`,
  );
  expect(mix).toMatchObject({ merged: 3, late: 1, unsatisfied: 3 });
  expect(mix.moved).toBeGreaterThanOrEqual(4);

  const closeKept = await t.pg.query(`select grid_id, day::text, category, department_id, hours, closed, round(hours_sum::numeric, 6)::float as s from incident_close_rollup where closed <> 0 order by 1, 2, 3, 4, 5`);
  const closeRecount = await t.pg.query(
    `select a.grid_id, ((i.created_at at time zone 'Asia/Shanghai')::date)::text as day, i.category, coalesce(i.department_id, 0) as department_id, x.b as hours,
            count(*)::int as closed, round(sum(x.h)::numeric, 6)::float as s
       from incident i cross join unnest(string_to_array(i.path::text, '.')::int[]) a(grid_id)
       cross join lateral (select extract(epoch from i.closed_at - i.created_at)::float / 3600 as h) y
       cross join lateral (select y.h, case when y.h < 48 then floor(y.h)::int else (floor(y.h / 24) * 24)::int end as b) x
      where i.merged_into_id is null and i.status in ('handled', 'closed') group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`,
  );
  expect(closeKept.rows).toEqual(closeRecount.rows);

  const slotsKept = await t.pg.query(`select grid_id, round_id, slots, confirmed, on_time from clearance_rollup where slots <> 0 order by 1, 2`);
  const slotsRecount = await t.pg.query(
    `select a.grid_id, s.round_id, count(*)::int as slots, (count(*) filter (where s.status = 'confirmed'))::int as confirmed,
            (count(*) filter (where s.status = 'confirmed' and not s.late))::int as on_time
       from clearance_slot s cross join unnest(string_to_array(s.path::text, '.')::int[]) a(grid_id) group by 1, 2 order by 1, 2`,
  );
  expect(slotsRecount.rows.length).toBeGreaterThan(0);
  expect(slotsKept.rows).toEqual(slotsRecount.rows);
});

// Whole days in Shanghai, then windows whose ends cut days (read partly from the incidents).
const WINDOWS: Array<[string, string]> = [
  ['2026-11-22T16:00:00Z', '2026-11-25T16:00:00Z'],
  ['2026-11-23T03:30:00Z', '2026-11-25T02:00:00Z'],
  ['2026-11-24T00:30:00Z', '2026-11-24T05:00:00Z'],
];

it.each(WINDOWS)('answers stats and its breakdowns from rollups as a recount does, %s to %s', async (from, to) => {
  for (const scope of ['XHG', 'XHG-B03', 'XHG-B03-C05', 'XHG-B04-C08-M01']) {
    const { stats: s } = await gqlOk<Op.StatsBreakdownsQuery>(t.hub, ADMIN, STATS_BREAKDOWNS + FIGURES_FIELDS, { scope, from, to });
    const total = await recount(scope, from, to, `''`);
    expectFigures({ '': counts(s as never) }, total[''] ? total : { '': { reported: 0, handledOnSite: 0, closed: 0, onTime: 0, overdue: 0, open: 0, satisfactionRate: null, medianHoursToClose: null } });
    expect(s.disposalRate).toBe(s.reported ? s.handledOnSite / s.reported : null);
    expect(s.onTimeRate).toBe(s.closed ? s.onTime / s.closed : null);
    expectFigures(Object.fromEntries(s.byGrid.map((x) => [x.grid.code, counts(x as never)])), await recount(scope, from, to, 'c.code', 'join grid c on c.parent_id = s.id and i.path <@ c.path'));
    expectFigures(Object.fromEntries(s.byCategory.map((x) => [x.category, counts(x as never)])), await recount(scope, from, to, 'upper(i.category)'));
    expectFigures(Object.fromEntries(s.byDepartment.map((x) => [x.department ?? '', counts(x as never)])), await recount(scope, from, to, `coalesce(d.name, '')`, 'left join department d on d.id = i.department_id'));
    expectFigures(Object.fromEntries(s.byDay.map((x) => [x.day, counts(x as never)])), await recount(scope, from, to, `to_char((i.created_at at time zone 'Asia/Shanghai')::date, 'YYYY-MM-DD')`));
    expect(s.byDay.map((x) => x.day)).toEqual([...s.byDay.map((x) => x.day)].sort());
  }
});

it('ranks the child grids in a 考核 league by disposal, on-time, satisfaction and clearance on-time rates', async () => {
  const [from, to] = WINDOWS[0]!;
  const { league } = await gqlOk<Op.LeagueQuery>(t.hub, ADMIN, LEAGUE, { scope: 'XHG-B03', from, to });
  const { rows: children } = await t.pg.query(`select c.code from grid c join grid p on p.id = c.parent_id where p.code = 'XHG-B03' order by c.code`);
  expect(league.map((e) => e.grid.code).sort()).toEqual(children.map((c) => c.code));
  const byGrid = await recount('XHG-B03', from, to, 'c.code', 'join grid c on c.parent_id = s.id and i.path <@ c.path');
  const { rows: clearance } = await t.pg.query(
    `select c.code, (count(*) filter (where s.status = 'confirmed' or r.deadline_at < $3))::int as judged, (count(*) filter (where s.status = 'confirmed' and not s.late))::int as on_time
       from grid c join grid p on p.id = c.parent_id join clearance_slot s on s.path <@ c.path join clearance_round r on r.id = s.round_id
      where p.code = 'XHG-B03' and r.starts_at >= $1 and r.starts_at < $2 group by c.code`,
    [from, to, clock.now()],
  );
  const cleared = new Map(clearance.map((r) => [r.code, r]));
  expect(league.filter((e) => e.clearanceOnTime > 0).length).toBeGreaterThanOrEqual(2);
  for (const e of league) {
    const f = byGrid[e.grid.code];
    expect(e.reported).toBe(f?.reported ?? 0);
    expect(e.disposalRate).toBe(f ? f.handledOnSite / f.reported : null);
    expect(e.onTimeRate).toBe(f && f.closed ? f.onTime / f.closed : null);
    expect(e.satisfactionRate).toBe(f ? f.satisfactionRate : null);
    const c = cleared.get(e.grid.code);
    expect([e.clearanceRounds, e.clearanceOnTime]).toEqual([c?.judged ?? 0, c?.on_time ?? 0]);
    expect(e.clearanceOnTimeRate).toBe(c?.judged ? c.on_time / c.judged : null);
    const rates = [e.disposalRate, e.onTimeRate, e.satisfactionRate, e.clearanceOnTimeRate].filter((r): r is number => r !== null);
    expect(e.score).toBe(rates.length ? rates.reduce((x, y) => x + y, 0) / rates.length : null);
  }
  // Best first; equal scores share a rank; a rank is 1 + the number of better scores.
  for (const e of league) expect(e.rank).toBe(1 + league.filter((o) => (o.score ?? -1) > (e.score ?? -1)).length);
  expect(league.map((e) => e.rank)).toEqual([...league.map((e) => e.rank)].sort((x, y) => x - y));
});

it('pushes breakdowns with statsChanged to every socket watching the scope', async () => {
  clock.set(new Date(DAY0 + 5 * DAY + 9 * 3600_000));
  const feeds = [collect<Op.StatsChangedByGridSubscription>(t.ws(ADMIN), STATS_CHANGED_BY_GRID, { scope: 'XHG-B03' }), collect<Op.StatsChangedByGridSubscription>(t.ws(ADMIN), STATS_CHANGED_BY_GRID, { scope: 'XHG-B03' })];
  await settle(300);
  await report('XHG-B03-C06-M01', '井盖松动了', { category: 'SAFETY_HAZARD' });
  await Promise.all(feeds.map((f) => f.until(1)));
  for (const f of feeds) {
    expect(f.events[0]!.statsChanged).toEqual({ reported: 1, byGrid: [{ grid: { code: 'XHG-B03-C06' }, reported: 1 }], byCategory: [{ category: 'SAFETY_HAZARD', reported: 1 }] });
  }
});

it('recounts the rollups in another time zone when TZ_GRID changes', async () => {
  // 04:00 on 28 November in Shanghai is still the 27th in UTC.
  clock.set(new Date('2026-11-27T20:00:00Z'));
  await report('XHG-B03-C06-M02', '消防通道被占用', { category: 'SAFETY_HAZARD' });
  const days = async () => (await t.pg.query(`select r.day::text from incident_rollup r join grid g on g.id = r.grid_id where g.code = 'XHG-B03-C06-M02' and r.reported > 0`)).rows.map((r) => r.day);
  expect(await days()).toEqual(['2026-11-28']);
  const utc = await t.start({ env: { TZ_GRID: 'UTC' } });
  expect((await t.pg.query(`select time_zone from stats_setting`)).rows).toEqual([{ time_zone: 'UTC' }]);
  expect(await days()).toEqual(['2026-11-27']);
  const [from, to] = ['2026-11-23T00:00:00Z', '2026-11-28T00:00:00Z'];
  const { stats: s } = await gqlOk<Op.StatsBreakdownsQuery>(utc, ADMIN, STATS_BREAKDOWNS + FIGURES_FIELDS, { scope: 'XHG-B03', from, to });
  expectFigures(Object.fromEntries(s.byDay.map((x) => [x.day, counts(x as never)])), await recount('XHG-B03', from, to, `to_char((i.created_at at time zone 'UTC')::date, 'YYYY-MM-DD')`));
  expect(s.byDay.at(-1)).toMatchObject({ day: '2026-11-27', reported: 1 });
  await t.stop(utc);
});
