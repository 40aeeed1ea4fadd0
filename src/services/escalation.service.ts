import { OPEN_STATES } from '../domain/incident-transitions.js';
import { escalationTarget } from '../domain/deadline-policy.js';
import { pathIds } from '../domain/actor.js';
import type { GridLevel } from '../domain/grid-levels.js';
import { query } from '../repositories/sql.js';
import type { ServiceDeps } from './context.js';

/** `?, ?, …` for a list of parameters. */
const marks = (xs: readonly unknown[]): string => xs.map(() => '?').join(', ');

/** Who is told when a matter is handed up to a grid. */
const NOTIFIED_ROLES = ['chief', 'commander', 'instructor'];

export interface EscalationResult {
  code: string;
  target: string;
  notified: string[];
}

/**
 * "小事不出网格，大事不出社区，难事不出街道": every open incident past its deadline is handed one
 * level up (micro-grid → community → street), once per lapsed deadline. The unique
 * (incident, lapsed deadline) row is the guard, so two instances never escalate a lapse twice.
 * Set-based: four statements a run however many incidents lapsed (due incidents, their grid
 * chains, the people to tell, then one insert of escalations and timeline entries).
 */
export class EscalationService {
  constructor(private readonly deps: ServiceDeps) {}

  async escalateOverdue(now: Date, limit = 500): Promise<EscalationResult[]> {
    const em = this.deps.em;
    const due = await query<{ id: number; code: string; path: string; deadline_at: string; escalations: string }>(
      em,
      `select i.id, i.code, i.path::text as path, i.deadline_at,
              (select count(*) from incident_escalation e where e.incident_id = i.id) as escalations
         from incident i
        where i.status in (${marks(OPEN_STATES)}) and i.deadline_at < ?
          and not exists (select 1 from incident_escalation e where e.incident_id = i.id and e.lapsed_deadline = i.deadline_at)
        order by i.deadline_at, i.id
        limit ?`,
      [...OPEN_STATES, now, limit],
    );
    if (!due.length) return [];
    const gridIds = [...new Set(due.flatMap((inc) => pathIds(inc.path)))];
    const grids = await query<{ id: number; code: string; level: GridLevel; path: string }>(em, `select id, code, level, path::text as path from grid where id in (${marks(gridIds)})`, gridIds);
    const gridById = new Map(grids.map((g) => [g.id, g]));
    const planned = due.flatMap((inc) => {
      const chain = pathIds(inc.path).flatMap((id) => gridById.get(id) ?? []);
      const target = escalationTarget(chain, Number(inc.escalations));
      return target ? [{ inc, target }] : [];
    });
    if (!planned.length) return [];
    const targetIds = [...new Set(planned.map((p) => p.target.id))];
    const people = await query<{ grid_id: number; role: string; name: string }>(
      em,
      `select grid_id, role, name from member where grid_id in (${marks(targetIds)}) and role in (${marks(NOTIFIED_ROLES)}) order by id`,
      [...targetIds, ...NOTIFIED_ROLES],
    );
    const notifiedAt = new Map<number, string[]>(targetIds.map((id) => [id, []]));
    for (const p of people) notifiedAt.get(p.grid_id)!.push(`${p.role}:${p.name}`);
    const values: unknown[] = [];
    const tuples = planned.map(({ inc, target }, i) => {
      values.push(inc.id, inc.deadline_at, target.id, JSON.stringify(notifiedAt.get(target.id)), `逾期上报至 ${target.code}`);
      return i === 0 ? '(?::int, ?::timestamptz, ?::int, ?::jsonb, ?::text)' : '(?, ?, ?, ?, ?)';
    });
    // One statement, so one transaction: a lapse another instance recorded first is skipped
    // (on conflict do nothing) and gets no timeline entry; the status comes back from the entry.
    const stored = await query<{ incident_id: number; status: string }>(
      em,
      `with input (incident_id, lapsed_deadline, target_grid_id, notified, note) as (values ${tuples.join(', ')}),
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
      [...values, now, now],
    );
    const statusOf = new Map(stored.map((r) => [r.incident_id, r.status]));
    const results: EscalationResult[] = [];
    for (const { inc, target } of planned) {
      const status = statusOf.get(inc.id);
      if (status === undefined) continue;
      const notified = notifiedAt.get(target.id)!;
      results.push({ code: inc.code, target: target.code, notified: [...notified] });
      this.deps.pubsub.publish('incidentChanged', { path: inc.path, code: inc.code, event: 'overdue', status, at: now.toISOString() });
    }
    return results;
  }
}
