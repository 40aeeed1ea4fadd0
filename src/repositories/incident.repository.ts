import type { EntityManager } from '@mikro-orm/postgresql';
import { OPEN_STATES, type IncidentState } from '../domain/incident-transitions.js';
import { IncidentEntity } from '../entities/incident.entity.js';
import { query } from './sql.js';

export interface IncidentFilter {
  scopePath: string;
  status?: readonly IncidentState[] | null;
  category?: readonly string[] | null;
  urgent?: boolean | null;
  overdue?: boolean | null;
  colour?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export interface StatsRow {
  reported: number;
  handledOnSite: number;
  closed: number;
  overdue: number;
  rated: number;
  satisfied: number;
  medianHoursToClose: number | null;
}

/** Incident lists and aggregates; subtree filters go through the GiST index on `path`. */
export class IncidentRepository {
  constructor(private readonly em: EntityManager) {}

  /** Newest first, keyset-paged on (created_at, id). */
  async list(f: IncidentFilter, now: Date, first: number, after: { createdAt: Date; id: number } | null): Promise<IncidentEntity[]> {
    const qb = this.em.createQueryBuilder(IncidentEntity, 'i').select('*').orderBy({ createdAt: 'desc', id: 'desc' }).limit(first);
    if (f.scopePath !== '') qb.where('i.path <@ ?::ltree', [f.scopePath]);
    if (f.status?.length) qb.andWhere({ status: { $in: [...f.status] } });
    if (f.category?.length) qb.andWhere({ category: { $in: [...f.category] } as never });
    if (f.urgent != null) qb.andWhere({ urgent: f.urgent });
    if (f.colour) qb.andWhere({ disputeColour: f.colour });
    if (f.from) qb.andWhere({ createdAt: { $gte: f.from } });
    if (f.to) qb.andWhere({ createdAt: { $lt: f.to } });
    if (f.overdue != null) {
      const open = { status: { $in: [...OPEN_STATES] }, deadlineAt: { $lt: now } };
      qb.andWhere(f.overdue ? open : { $not: open });
    }
    if (after) qb.andWhere('(i.created_at, i.id) < (?, ?)', [after.createdAt, after.id]);
    return qb.getResultList();
  }

  /** Counts of docs/domain-rules.md#incidents for the incidents reported under `scopePath` in [from, to). */
  async stats(scopePath: string, from: Date, to: Date, now: Date): Promise<StatsRow> {
    const [row] = await query<Record<string, string | null>>(
      this.em,
      `select count(*) as reported,
              count(*) filter (where status = 'handled') as handled_on_site,
              count(*) filter (where status in ('handled', 'closed')) as closed,
              count(*) filter (where status in (${OPEN_STATES.map(() => '?').join(', ')}) and deadline_at < ?) as overdue,
              count(satisfied) as rated,
              count(*) filter (where satisfied) as satisfied,
              percentile_cont(0.5) within group (order by extract(epoch from closed_at - created_at) / 3600)
                filter (where status in ('handled', 'closed')) as median_hours
         from incident
        where ${scopePath === '' ? '' : 'path <@ ?::ltree and '}created_at >= ? and created_at < ?`,
      [...OPEN_STATES, now, ...(scopePath === '' ? [] : [scopePath]), from, to],
    );
    return {
      reported: Number(row!['reported']),
      handledOnSite: Number(row!['handled_on_site']),
      closed: Number(row!['closed']),
      overdue: Number(row!['overdue']),
      rated: Number(row!['rated']),
      satisfied: Number(row!['satisfied']),
      medianHoursToClose: row!['median_hours'] == null ? null : Number(row!['median_hours']),
    };
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
}
