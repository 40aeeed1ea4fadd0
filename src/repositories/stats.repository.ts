import type { EntityManager } from '@mikro-orm/postgresql';
import { OPEN_STATES } from '../domain/incident-transitions.js';
import type { CloseBucket, PeriodSplit } from '../domain/stats-period.js';
import { preparedQuery, query } from './sql.js';

/** What figures slice by: nothing (one row), child grid, category, department or report day. */
export type StatsDimension = 'total' | 'grid' | 'category' | 'department' | 'day';

/** One slice's counts; `key` is '' for the total, a grid id, a category, a department name ('' = none) or a day. */
export interface FiguresRow {
  key: string;
  reported: number;
  handledOnSite: number;
  closed: number;
  onTime: number;
  overdue: number;
  open: number;
  rated: number;
  satisfied: number;
  close: CloseBucket[];
}

export interface FiguresQuery {
  /** The subtree's ltree path ('' for everything). */
  path: string;
  split: PeriodSplit;
  now: Date;
  today: { day: string; start: Date };
  timeZone: string;
  by: StatsDimension;
}

/** Per-grid clearance over rounds that started in a period: judged slots and on-time confirmations. */
export interface ClearanceFiguresRow {
  gridId: number;
  judged: number;
  onTime: number;
}

/** The rollup column a dimension groups by: the rollup rows are summed on it before any cast. */
const ROLLUP_COLUMN: Record<StatsDimension, string> = {
  total: 'grid_id',
  grid: 'grid_id',
  category: 'category',
  department: 'department_id',
  day: 'day',
};
/** The text key of a dimension, over the rollup rows already summed on `ROLLUP_COLUMN`. */
const ROLLUP_KEY: Record<StatsDimension, string> = {
  total: `''`,
  grid: 'r.grid_id::text',
  category: 'r.category::text',
  department: 'r.department_id::text',
  day: `to_char(r.day, 'YYYY-MM-DD')`,
};
const INCIDENT_KEY: Record<StatsDimension, string> = {
  total: `''`,
  // The child of the scope the incident lies under (null on the scope grid itself).
  grid: `case when nlevel(i.path) > $3 then ltree2text(subpath(i.path, $3, 1)) end`,
  category: 'f.category::text',
  department: 'f.department_id::text',
  day: `to_char(f.day, 'YYYY-MM-DD')`,
};
const OPEN = OPEN_STATES.map((s) => `'${s}'`).join(', ');

/** A PostgreSQL array literal (the driver would spread a JS array into a list). */
const intArray = (ids: readonly number[]): string => `{${ids.join(',')}}`;

/**
 * The figures statement of one shape (dimension × whole tree or subtree), prepared once per
 * connection. $1 zone, $2 subtree path, $3 its depth, $4–$7 the two partial-day edges (empty when
 * [x, x); a period of whole days has a shape without them), $8 today, $9 rollup grid ids, $10–$11 whole days, $12 now, $13 today's start,
 * $14–$15 the whole days' instants. Departments are summed by name: each community has its own 城管.
 *
 * The rollup rows are one index-only range per grid id (the covering indexes of
 * migrations/Migration20261204180000.ts), summed on their own column first, so the text keys
 * are made once per slice, not once per row. The open incidents due earlier today are found
 * through the partial index on open deadlines alone (a materialized step): a generic plan would
 * otherwise AND it with a GiST scan of the whole subtree's incidents.
 */
function figuresSql(by: StatsDimension, subtree: boolean, cut: boolean): string {
  const col = ROLLUP_COLUMN[by];
  const rk = ROLLUP_KEY[by];
  const ik = INCIDENT_KEY[by];
  const inScope = subtree ? 'i.path <@ $2::ltree' : '$2::text = $2::text';
  // Whole days only: the edges are empty, and left out of the statement.
  const edges = cut ? '(i.created_at >= $4 and i.created_at < $5) or (i.created_at >= $6 and i.created_at < $7)' : 'false and $4::timestamptz = $5 and $6::timestamptz = $7';
  const whole = 'r.grid_id = any($9::int[]) and r.day >= $10::date and r.day < $11::date';
  const label = by === 'department' ? `coalesce(d.name, '')` : 'x.k';
  const named = (t: string) => (by === 'department' ? `${t} x left join department d on d.id = x.k::int` : `${t} x`);
  return `with edge as materialized (
       select ${ik} as k, f.*, i.deadline_at
         from incident i cross join lateral gridhub_incident_figures(i, $1) f
        where ${inScope} and $3::int = $3::int
          and (${edges})),
     due as materialized (
       select i.* from incident i where i.status in (${OPEN}) and i.deadline_at >= $13 and i.deadline_at < $12),
     parts as (
       select ${rk} as k, r.reported, r.handled, r.closed, r.on_time, r.rated, r.satisfied, r.open, r.overdue
         from (select r.${col}, sum(r.reported) as reported, sum(r.handled) as handled, sum(r.closed) as closed, sum(r.on_time) as on_time,
                      sum(r.rated) as rated, sum(r.satisfied) as satisfied, sum(r.open) as open,
                      sum(case when r.deadline_day < $8::date then r.open else 0 end) as overdue
                 from incident_rollup r
                where ${whole}
                group by r.${col}) r
       union all
       select k, reported, handled, closed, on_time, rated, satisfied, open, (open = 1 and deadline_at < $12)::int from edge
       union all
       select ${ik}, 0, 0, 0, 0, 0, 0, 0, 1
         from due i cross join lateral gridhub_incident_figures(i, $1) f
        where i.created_at >= $14 and i.created_at < $15 and ${inScope}),
     figures as (
       select ${label} as k, sum(x.reported) as reported, sum(x.handled) as handled, sum(x.closed) as closed, sum(x.on_time) as on_time,
              sum(x.rated) as rated, sum(x.satisfied) as satisfied, sum(x.open) as open, sum(x.overdue) as overdue
         from ${named('parts')}
        where x.k is not null
        group by 1
       having sum(x.reported) <> 0 or sum(x.overdue) <> 0),
     buckets as (
       select ${label} as k, x.hours, sum(x.closed) as closed, sum(x.hours_sum) as hours_sum
         from ${named(`(select ${rk} as k, r.hours, r.closed, r.hours_sum
                  from (select r.${col}, r.hours, sum(r.closed) as closed, sum(r.hours_sum) as hours_sum
                          from incident_close_rollup r
                         where ${whole}
                         group by r.${col}, r.hours) r
                union all
                select k, close_bucket, 1, close_hours from edge where close_bucket is not null)`)}
        where x.k is not null
        group by 1, 2),
     hist as (select k, json_agg(json_build_array(hours, closed, hours_sum)) as close from buckets group by k)
     select f.*, h.close from figures f left join hist h on h.k = f.k`;
}

/**
 * Figures from the rollups kept by the triggers of migrations/Migration20261204140000.ts: whole
 * days from `incident_rollup` (a range of the scope's rows, or of its children's), partial-day
 * edges from the incidents through the same SQL function the triggers use, and the open
 * incidents due earlier today from the partial index on open deadlines.
 */
export class StatsRepository {
  constructor(private readonly em: EntityManager) {}

  /** The grids whose rollup rows a scope reads: itself, or every root for ''. */
  async scopeIds(path: string): Promise<number[]> {
    if (path !== '') return [Number(path.split('.').at(-1))];
    return (await query<{ id: number }>(this.em, `select id from grid where parent_id is null order by id`)).map((r) => r.id);
  }

  /** The children of the scope's grid (the roots for ''), by code. */
  async childIds(path: string): Promise<number[]> {
    const rows = path === ''
      ? await query<{ id: number }>(this.em, `select id from grid where parent_id is null order by code`)
      : await query<{ id: number }>(this.em, `select id from grid where parent_id = ? order by code`, [Number(path.split('.').at(-1))]);
    return rows.map((r) => r.id);
  }

  async figures(q: FiguresQuery): Promise<FiguresRow[]> {
    const ids = q.by === 'grid' ? await this.childIds(q.path) : await this.scopeIds(q.path);
    if (!ids.length) return [];
    const subtree = q.path !== '';
    const [e1, e2] = [q.split.edges[0] ?? [q.split.wholeFrom, q.split.wholeFrom], q.split.edges[1] ?? [q.split.wholeFrom, q.split.wholeFrom]];
    const cut = q.split.edges.length > 0;
    const name = `gridhub_stats_${q.by}_${subtree ? 'subtree' : 'all'}_${cut ? 'cut' : 'whole'}`;
    const rows = await preparedQuery<Record<string, unknown>>(this.em, name, figuresSql(q.by, subtree, cut), [
      q.timeZone, q.path, subtree ? q.path.split('.').length : 0, e1[0], e1[1], e2[0], e2[1],
      q.today.day, intArray(ids), q.split.firstDay, q.split.endDay, q.now, q.today.start, q.split.wholeFrom, q.split.wholeTo,
    ]);
    return rows.map((r) => ({
      key: String(r['k']),
      reported: Number(r['reported']),
      handledOnSite: Number(r['handled']),
      closed: Number(r['closed']),
      onTime: Number(r['on_time']),
      overdue: Number(r['overdue']),
      open: Number(r['open']),
      rated: Number(r['rated']),
      satisfied: Number(r['satisfied']),
      close: ((r['close'] as Array<[number, number, number]> | null) ?? []).map(([hours, closed, hoursSum]) => ({ hours, closed: Number(closed), hoursSum: Number(hoursSum) })),
    }));
  }

  /** Clearance of each of `gridIds`' subtrees over the rounds that started in [from, to). */
  async clearance(gridIds: readonly number[], from: Date, to: Date, now: Date): Promise<ClearanceFiguresRow[]> {
    if (!gridIds.length) return [];
    const rows = await query<{ grid_id: number; judged: string; on_time: string }>(
      this.em,
      `select c.grid_id, sum(case when r.deadline_at < ? then c.slots else c.confirmed end) as judged, sum(c.on_time) as on_time
         from clearance_rollup c join clearance_round r on r.id = c.round_id
        where c.grid_id = any(?::int[]) and r.starts_at >= ? and r.starts_at < ?
        group by c.grid_id`,
      [now, intArray(gridIds), from, to],
    );
    return rows.map((r) => ({ gridId: r.grid_id, judged: Number(r.judged), onTime: Number(r.on_time) }));
  }

  /** Counts the rollups' days in `timeZone`; when it differs from the stored zone, recounts every rollup in the same transaction. */
  async useTimeZone(timeZone: string): Promise<boolean> {
    return this.em.transactional(async (em) => {
      const changed = await query<{ id: number }>(em, `update stats_setting set time_zone = ? where id = 1 and time_zone <> ? returning id`, [timeZone, timeZone]);
      if (changed.length) await query(em, `select gridhub_rollup_rebuild()`);
      return changed.length > 0;
    });
  }
}
