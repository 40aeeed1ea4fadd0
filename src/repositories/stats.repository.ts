import type { EntityManager } from '@mikro-orm/postgresql';
import { OPEN_STATES } from '../domain/incident-transitions.js';
import type { CloseBucket, PeriodSplit } from '../domain/stats-period.js';
import { query } from './sql.js';

/** What figures slice by: nothing (one row), child grid, category, department or report day. */
export type StatsDimension = 'total' | 'grid' | 'category' | 'department' | 'day';

/** One slice's counts; `key` is '' for the total, a grid id, a category, a department id (0 = none) or a day. */
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
  grid: `case when nlevel(i.path) > ? then ltree2text(subpath(i.path, ?, 1)) end`,
  category: 'f.category::text',
  department: 'f.department_id::text',
  day: `to_char(f.day, 'YYYY-MM-DD')`,
};
/** A PostgreSQL array literal (the driver would spread a JS array into a list). */
const intArray = (ids: readonly number[]): string => `{${ids.join(',')}}`;
const OPEN = OPEN_STATES.map((s) => `'${s}'`).join(', ');

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
    const depth = q.path === '' ? 0 : q.path.split('.').length;
    const keyParams = q.by === 'grid' ? [depth, depth] : [];
    const inScope = q.path === '' ? 'true' : 'i.path <@ ?::ltree';
    const scopeParams = q.path === '' ? [] : [q.path];
    const edges = q.split.edges.map(() => '(i.created_at >= ? and i.created_at < ?)').join(' or ') || 'false';
    const edgeParams = q.split.edges.flat();
    const rk = ROLLUP_KEY[q.by];
    const ik = INCIDENT_KEY[q.by];
    const rows = await query<Record<string, unknown>>(
      this.em,
      `with edge as (
         select ${ik} as k, f.*, i.deadline_at
           from incident i cross join lateral gridhub_incident_figures(i, ?) f
          where ${inScope} and (${edges})),
       parts as (
         select ${rk} as k, r.reported, r.handled, r.closed, r.on_time, r.rated, r.satisfied, r.open,
                case when r.deadline_day < ?::date then r.open else 0 end as overdue
           from incident_rollup r
          where r.grid_id = any(?::int[]) and r.day >= ?::date and r.day < ?::date
         union all
         select k, reported, handled, closed, on_time, rated, satisfied, open, (open = 1 and deadline_at < ?)::int from edge
         union all
         select ${ik}, 0, 0, 0, 0, 0, 0, 0, 1
           from incident i cross join lateral gridhub_incident_figures(i, ?) f
          where i.status in (${OPEN}) and i.deadline_at >= ? and i.deadline_at < ?
            and i.created_at >= ? and i.created_at < ? and ${inScope}),
       hist as (
         select k, hours, sum(closed) as closed, sum(hours_sum) as hours_sum from (
           select ${rk} as k, r.hours, r.closed, r.hours_sum
             from incident_close_rollup r
            where r.grid_id = any(?::int[]) and r.day >= ?::date and r.day < ?::date
           union all
           select k, close_bucket, 1, close_hours from edge where close_bucket is not null) h
          group by k, hours)
       select p.k, sum(p.reported) as reported, sum(p.handled) as handled, sum(p.closed) as closed, sum(p.on_time) as on_time,
              sum(p.rated) as rated, sum(p.satisfied) as satisfied, sum(p.open) as open, sum(p.overdue) as overdue,
              (select json_agg(json_build_array(h.hours, h.closed, h.hours_sum)) from hist h where h.k = p.k) as close
         from parts p
        where p.k is not null
        group by p.k
       having sum(p.reported) <> 0 or sum(p.overdue) <> 0`,
      [
        ...keyParams, q.timeZone, ...scopeParams, ...edgeParams,
        q.today.day, intArray(ids), q.split.firstDay, q.split.endDay,
        q.now,
        ...keyParams, q.timeZone, q.today.start, q.now, q.split.wholeFrom, q.split.wholeTo, ...scopeParams,
        intArray(ids), q.split.firstDay, q.split.endDay,
      ],
    );
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
