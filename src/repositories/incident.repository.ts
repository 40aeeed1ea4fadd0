import type { EntityManager } from '@mikro-orm/postgresql';
import { OPEN_STATES, type IncidentState } from '../domain/incident-transitions.js';
import { IncidentEntity } from '../entities/incident.entity.js';
import { IncidentEventEntity } from '../entities/incident-event.entity.js';
import { codeLayout } from '../domain/codes.js';
import { DUPLICATE_POLICY } from '../domain/duplicate-policy.js';
import { preparedQuery, query } from './sql.js';

export interface IncidentFilter {
  scopePath: string;
  status?: readonly IncidentState[] | null;
  category?: readonly string[] | null;
  urgent?: boolean | null;
  overdue?: boolean | null;
  colour?: string | null;
  /** Dispatched to any of these departments (by name), as the lead or a co-department. */
  department?: readonly string[] | null;
  from?: Date | null;
  to?: Date | null;
}

/** One report, validated and ready to store. */
export interface PendingReport {
  day: string;
  gridId: number;
  reporterId: number | null;
  description: string;
  category: string;
  /** The classifier's two best guesses when it filed the report as `other`, else null. */
  categoryGuesses: readonly { category: string; confidence: number }[] | null;
  urgent: boolean;
  location: string | null;
  colour: string | null;
  deadlineAt: Date;
  at: Date;
  actorRole: string;
  photos: string[];
  /** Idempotency key of the channel that sent it (see IncidentEntity.sourceKey). */
  sourceKey: string | null;
}

/** An incident row as stored (column names; timestamps as PostgreSQL's text, as MikroORM leaves them). */
export interface StoredIncidentRow {
  id: number;
  code: string;
  grid_id: number;
  path: string;
  reporter_id: number | null;
  description: string;
  category: string;
  category_guesses: { category: string; confidence: number }[] | null;
  urgent: boolean;
  location: string | null;
  status: string;
  dispute_colour: string | null;
  failed_mediations: number;
  department_id: number | null;
  deadline_at: string;
  satisfied: boolean | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  source_key: string | null;
  /** Set after storing when the report looks like an open incident (see linkDuplicates). */
  duplicate_of_code?: string | null;
}

/** One of a person's open incidents (`#进度` with no code). */
export interface OpenItemRow {
  code: string;
  category: string;
  status: string;
  urgent: boolean;
  createdAt: Date;
  deadlineAt: Date;
  /** The person reported it (else it waits on their role). */
  mine: boolean;
}

/** Whose open incidents: reported by `memberId` and not finished, or under `scopePath` in a state waiting on them. */
export interface OpenItemsQuery {
  memberId: number | null;
  followed: readonly string[];
  scopePath: string;
  waiting: readonly string[];
  /** Only incidents dispatched to this department (a department's member); undefined for everyone else. */
  departmentId?: number | null;
  limit: number;
}

/** Incident lists and aggregates; subtree filters go through the GiST index on `path`. */
export class IncidentRepository {
  constructor(private readonly em: EntityManager) {}

  /** The timelines of many incidents in one query, each oldest first. */
  async timelinesOf(incidentIds: readonly number[]): Promise<IncidentEventEntity[]> {
    return this.em.find(IncidentEventEntity, { incident: { $in: [...incidentIds] } }, { orderBy: { id: 'asc' } });
  }

  /** Newest first, keyset-paged on (created_at, id). */
  async list(f: IncidentFilter, now: Date, first: number, after: { createdAt: Date; id: number } | null): Promise<IncidentEntity[]> {
    const qb = this.em.createQueryBuilder(IncidentEntity, 'i').select('*').orderBy({ createdAt: 'desc', id: 'desc' }).limit(first);
    if (f.scopePath !== '') qb.where('i.path <@ ?::ltree', [f.scopePath]);
    if (f.status?.length) qb.andWhere({ status: { $in: [...f.status] } });
    if (f.category?.length) qb.andWhere({ category: { $in: [...f.category] } as never });
    if (f.urgent != null) qb.andWhere({ urgent: f.urgent });
    if (f.colour) qb.andWhere({ disputeColour: f.colour });
    if (f.department?.length) {
      // The lead department, or a co-department of a jointly handled incident (联合处置).
      const names = [...f.department];
      const marks = names.map(() => '?').join(', ');
      qb.andWhere(
        `(i.department_id in (select d.id from department d where d.name in (${marks}))
          or exists (select 1 from incident_department p join department d on d.id = p.department_id where p.incident_id = i.id and d.name in (${marks})))`,
        [...names, ...names],
      );
    }
    if (f.from) qb.andWhere({ createdAt: { $gte: f.from } });
    if (f.to) qb.andWhere({ createdAt: { $lt: f.to } });
    if (f.overdue != null) {
      const open = { status: { $in: [...OPEN_STATES] }, deadlineAt: { $lt: now } };
      qb.andWhere(f.overdue ? open : { $not: open });
    }
    if (after) qb.andWhere('(i.created_at, i.id) < (?, ?)', [after.createdAt, after.id]);
    return qb.getResultList();
  }

  /** A person's open incidents, deadline first (the overdue on top), with the count of all of them. */
  async openItems(q: OpenItemsQuery): Promise<{ rows: OpenItemRow[]; total: number }> {
    const marks = (list: readonly unknown[]) => list.map(() => '?').join(', ');
    const parts: string[] = [];
    const params: unknown[] = [q.memberId];
    if (q.memberId !== null && q.followed.length) {
      parts.push(`(i.reporter_id = ? and i.status in (${marks(q.followed)}))`);
      params.push(q.memberId, ...q.followed);
    }
    if (q.waiting.length && q.departmentId !== null) {
      const dept = q.departmentId === undefined ? '' : ' and i.department_id = ?';
      parts.push(`(i.path <@ ?::ltree and i.status in (${marks(q.waiting)})${dept})`);
      params.push(q.scopePath, ...q.waiting, ...(q.departmentId === undefined ? [] : [q.departmentId]));
    }
    if (!parts.length) return { rows: [], total: 0 };
    const rows = await query<OpenItemRow & { total: string }>(
      this.em,
      `select i.code, i.category, i.status, i.urgent, i.created_at as "createdAt", i.deadline_at as "deadlineAt",
              coalesce(i.reporter_id = ?, false) as mine, count(*) over () as total
         from incident i where ${parts.join(' or ')} order by i.deadline_at, i.id limit ?`,
      [...params, q.limit],
    );
    const total = rows.length ? Number(rows[0]!.total) : 0;
    return { rows: rows.map(({ total: _t, ...r }) => ({ ...r, createdAt: new Date(r.createdAt), deadlineAt: new Date(r.deadlineAt) })), total };
  }

  /**
   * Links each of the just-stored reports `ids` that looks like an open incident (similar text
   * by pg_trgm, the same or a sibling grid, reported within the window before it) to the most
   * similar one, in ONE statement per batch. Returns the new id → the original's code.
   */
  async linkDuplicates(ids: readonly number[], policy: typeof DUPLICATE_POLICY = DUPLICATE_POLICY): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await query<{ id: number; code: string }>(
      this.em,
      `with found as (
         select distinct on (n.id) n.id, o.id as original_id, o.code
           from incident n
           join incident o
             on o.path <@ (case when nlevel(n.path) > 1 then subpath(n.path, 0, nlevel(n.path) - 1) else n.path end)
            and nlevel(o.path) = nlevel(n.path)
            and o.id < n.id
            and o.status in (${policy.states.map(() => '?').join(', ')})
            and o.merged_into_id is null and o.duplicate_of_id is null
            and o.created_at >= n.created_at - make_interval(hours => ?)
            and similarity(o.description, n.description) >= ?
          where n.id = any(?::int[])
          order by n.id, similarity(o.description, n.description) desc, o.id desc)
       update incident i set duplicate_of_id = f.original_id from found f where i.id = f.id
       returning i.id, f.code`,
      [...policy.states, policy.windowHours, policy.similarity, `{${ids.join(',')}}`],
    );
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  async codesByIds(ids: readonly number[]): Promise<Map<number, string>> {
    const rows = await query<{ id: number; code: string }>(this.em, 'select id, code from incident where id = any(?::int[])', [`{${ids.join(',')}}`]);
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  /** How many times an incident went back after finishing: reopens and unsatisfied verdicts (see reopen-policy.ts). */
  async reopenCount(incidentId: number): Promise<number> {
    const [row] = await query<{ n: string }>(
      this.em,
      `select count(*) as n from incident_event where incident_id = ? and (event = 'reopen' or (event = 'rate' and to_state <> 'closed'))`,
      [incidentId],
    );
    return Number(row?.n ?? 0);
  }

  /** Open red disputes, overdue and open urgent incidents under each grid (for the risk colour). */
  async riskCounts(gridIds: readonly number[], now: Date): Promise<Map<number, { openRedDisputes: number; overdue: number; openUrgent: number }>> {
    const open = OPEN_STATES.map(() => '?').join(', ');
    const rows = await query<{ id: number; red: string; overdue: string; urgent: string }>(
      this.em,
      `select g.id,
              count(i.id) filter (where i.dispute_colour = 'red' and i.status in (${open})) as red,
              count(i.id) filter (where i.status in (${open}) and i.deadline_at < ?) as overdue,
              count(i.id) filter (where i.urgent and i.status in (${open})) as urgent
         from grid g left join incident i on i.path <@ g.path
        where g.id in (${gridIds.map(() => '?').join(', ')})
        group by g.id`,
      [...OPEN_STATES, ...OPEN_STATES, now, ...OPEN_STATES, ...gridIds],
    );
    return new Map(rows.map((r) => [r.id, { openRedDisputes: Number(r.red), overdue: Number(r.overdue), openUrgent: Number(r.urgent) }]));
  }

  /**
   * Stores a batch of reports with ONE prepared statement (one round trip, one implicit
   * transaction): moves each day's counter by the batch's count, numbers the rows, inserts the
   * incidents and their first timeline entries, and returns the stored rows in input order.
   */
  async storeReports(reports: readonly PendingReport[]): Promise<StoredIncidentRow[]> {
    const col = <K>(f: (r: PendingReport, i: number) => K): K[] => reports.map(f);
    const rows = await preparedQuery<StoredIncidentRow & { ord: number }>(this.em, 'gridhub_store_reports', STORE_REPORTS, [
      col((_, i) => i),
      col((r) => r.day),
      col((r) => codeLayout('E', r.day).prefix),
      col((r) => r.gridId),
      col((r) => r.reporterId),
      col((r) => r.description),
      col((r) => r.category),
      col((r) => r.urgent),
      col((r) => r.location),
      col((r) => r.colour),
      col((r) => r.deadlineAt),
      col((r) => r.at),
      col((r) => r.actorRole),
      col((r) => JSON.stringify(r.photos)),
      col((r) => r.sourceKey),
      col((r) => (r.categoryGuesses ? JSON.stringify(r.categoryGuesses) : null)),
      codeLayout('E', reports[0]!.day).pad,
    ]);
    const byOrd = new Array<StoredIncidentRow>(reports.length);
    for (const { ord, ...row } of rows) byOrd[ord] = row as StoredIncidentRow;
    return byOrd;
  }
}

/** The batch statement: one column array per field, so it has one shape and one plan. */
const STORE_REPORTS = `
  with input as (
    select * from unnest($1::int[], $2::varchar[], $3::text[], $4::int[], $5::int[], $6::text[], $7::varchar[], $8::boolean[],
                         $9::text[], $10::varchar[], $11::timestamptz[], $12::timestamptz[], $13::varchar[], $14::jsonb[], $15::varchar[], $16::jsonb[])
      as t (ord, day, prefix, grid_id, reporter_id, description, category, urgent, location, colour, deadline_at, at, role, photos, source_key, category_guesses)
  ), wanted as (
    select day, count(*)::int as n from input group by day
  ), counter as (
    -- In day order, so two batches spanning midnight cannot deadlock.
    insert into incident_day_seq (day, last) select day, n from wanted order by day
    on conflict (day) do update set last = incident_day_seq.last + excluded.last
    returning day, last
  ), numbered as (
    select i.*, c.last - w.n + row_number() over (partition by i.day order by i.ord) as seq
      from input i join counter c on c.day = i.day join wanted w on w.day = i.day
  ), coded as (
    select n.*, n.prefix || lpad(n.seq::text, greatest($17::int, length(n.seq::text)), '0') as code from numbered n
  ), stored as (
    -- The path is the grid's own at this moment, whatever a cache said (a gone grid fails the batch).
    insert into incident (code, grid_id, path, reporter_id, description, category, category_guesses, urgent, location, status, dispute_colour, deadline_at, created_at, updated_at, source_key)
    select code, grid_id, (select g.path from grid g where g.id = coded.grid_id), reporter_id, description, category, category_guesses, urgent, location, 'reported', colour, deadline_at, at, at, source_key
      from coded order by ord
    returning *
  ), timeline as (
    insert into incident_event (incident_id, event, from_state, to_state, actor_role, actor_member_id, note, photos, at)
    select s.id, 'report', null, 'reported', c.role, s.reporter_id, s.description, c.photos, s.created_at
      from stored s join coded c on c.code = s.code
  )
  select s.*, c.ord from stored s join coded c on c.code = s.code`;
