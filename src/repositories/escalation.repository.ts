import type { EntityManager } from '@mikro-orm/postgresql';
import type { GridLevel } from '../domain/grid-levels.js';
import { OPEN_STATES } from '../domain/incident-transitions.js';
import { query, valuesList } from './sql.js';

/** `?, ?, …` for a list of parameters. */
const marks = (xs: readonly unknown[]): string => xs.map(() => '?').join(', ');

/** An open incident past its deadline whose lapse nobody has escalated yet. */
export interface DueIncident {
  id: number;
  code: string;
  path: string;
  /** The lapsed deadline as PostgreSQL's text, passed back unchanged as the lapse's key. */
  deadline_at: string;
  /** How many lapses of this incident were escalated before. */
  escalations: string;
}

/** One planned escalation: the incident, its lapsed deadline, where it goes and who is told. */
export interface PlannedEscalation {
  incidentId: number;
  lapsedDeadline: string;
  targetGridId: number;
  notified: readonly string[];
  note: string;
}

/**
 * Overdue escalation, set-based: due incidents, their grid chains, the people to tell, and one
 * statement that records escalations and timeline entries together.
 */
export class EscalationRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Open incidents past their deadline with an unescalated lapse, earliest deadline first, a
   * page of `limit` after `after` (keyset: the previous page's last row), so a run can walk
   * past lapses that cannot be escalated (already at the top) instead of meeting them first
   * every time.
   */
  dueIncidents(now: Date, limit: number, after?: Pick<DueIncident, 'deadline_at' | 'id'>): Promise<DueIncident[]> {
    return query<DueIncident>(
      this.em,
      `select i.id, i.code, i.path::text as path, i.deadline_at,
              (select count(*) from incident_escalation e where e.incident_id = i.id) as escalations
         from incident i
        where i.status in (${marks(OPEN_STATES)}) and i.deadline_at < ?
          and not exists (select 1 from incident_escalation e where e.incident_id = i.id and e.lapsed_deadline = i.deadline_at)
          ${after ? 'and (i.deadline_at, i.id) > (?::timestamptz, ?::int)' : ''}
        order by i.deadline_at, i.id
        limit ?`,
      [...OPEN_STATES, now, ...(after ? [after.deadline_at, after.id] : []), limit],
    );
  }

  grids(ids: readonly number[]): Promise<Array<{ id: number; code: string; level: GridLevel; path: string }>> {
    return query(this.em, `select id, code, level, path::text as path from grid where id in (${marks(ids)})`, [...ids]);
  }

  /** Members of these grids holding these roles, oldest first. */
  members(gridIds: readonly number[], roles: readonly string[]): Promise<Array<{ grid_id: number; role: string; name: string }>> {
    return query(this.em, `select grid_id, role, name from member where grid_id in (${marks(gridIds)}) and role in (${marks(roles)}) order by id`, [...gridIds, ...roles]);
  }

  /**
   * Records the escalations and their `overdue` timeline entries in one statement, so one
   * transaction: a lapse another instance recorded first is skipped (on conflict do nothing)
   * and gets no timeline entry. Returns the recorded incidents with their (unchanged) status.
   */
  record(planned: readonly PlannedEscalation[], now: Date): Promise<Array<{ incident_id: number; status: string }>> {
    const input = valuesList(planned.map((p) => [p.incidentId, p.lapsedDeadline, p.targetGridId, JSON.stringify(p.notified), p.note]), ['int', 'timestamptz', 'int', 'jsonb', 'text']);
    return query(
      this.em,
      `with input (incident_id, lapsed_deadline, target_grid_id, notified, note) as (${input.sql}),
       escalated as (
         insert into incident_escalation (incident_id, lapsed_deadline, target_grid_id, notified, at)
         select incident_id, lapsed_deadline, target_grid_id, notified, ? from input
         on conflict (incident_id, lapsed_deadline) do nothing
         returning incident_id
       )
       insert into incident_event (incident_id, event, from_state, to_state, actor_role, note, photos, at)
       select i.id, 'overdue', i.status, i.status, 'system', input.note, '[]'::jsonb, ?
         from escalated e join input on input.incident_id = e.incident_id join incident i on i.id = e.incident_id
       returning incident_id, to_state as status`,
      [...input.params, now, now],
    );
  }
}
