import { OPEN_STATES } from '../domain/incident-transitions.js';
import { escalationTarget } from '../domain/deadline-policy.js';
import { pathIds } from '../domain/actor.js';
import type { GridLevel } from '../domain/grid-levels.js';
import { query } from '../repositories/sql.js';
import type { ServiceDeps } from './context.js';

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
 */
export class EscalationService {
  constructor(private readonly deps: ServiceDeps) {}

  async escalateOverdue(now: Date, limit = 500): Promise<EscalationResult[]> {
    const em = this.deps.em;
    const due = await query<{ id: number; code: string; path: string; deadline_at: Date; escalations: string }>(
      em,
      `select i.id, i.code, i.path::text as path, i.deadline_at,
              (select count(*) from incident_escalation e where e.incident_id = i.id) as escalations
         from incident i
        where i.status in (${OPEN_STATES.map(() => '?').join(', ')}) and i.deadline_at < ?
          and not exists (select 1 from incident_escalation e where e.incident_id = i.id and e.lapsed_deadline = i.deadline_at)
        order by i.deadline_at
        limit ?`,
      [...OPEN_STATES, now, limit],
    );
    const results: EscalationResult[] = [];
    for (const inc of due) {
      const chain = await query<{ id: number; code: string; level: GridLevel; path: string }>(em, `select id, code, level, path::text as path from grid where id in (${pathIds(inc.path).map(() => '?').join(', ')}) order by depth`, pathIds(inc.path));
      const target = escalationTarget(chain, Number(inc.escalations));
      if (!target) continue;
      const people = await query<{ role: string; name: string }>(em, `select role, name from member where grid_id = ? and role in (${NOTIFIED_ROLES.map(() => '?').join(', ')}) order by id`, [target.id, ...NOTIFIED_ROLES]);
      const notified = people.map((p) => `${p.role}:${p.name}`);
      // The status comes back from the timeline row, so nothing is read twice.
      const status = await em.transactional(async (tx) => {
        const rows = await query<{ id: number }>(
          tx,
          `insert into incident_escalation (incident_id, lapsed_deadline, target_grid_id, notified, at) values (?, ?, ?, ?::jsonb, ?)
           on conflict (incident_id, lapsed_deadline) do nothing returning id`,
          [inc.id, inc.deadline_at, target.id, JSON.stringify(notified), now],
        );
        if (!rows.length) return null;
        const [event] = await query<{ status: string }>(
          tx,
          `insert into incident_event (incident_id, event, from_state, to_state, actor_role, note, photos, at)
           select id, 'overdue', status, status, 'system', ?, '[]'::jsonb, ? from incident where id = ? returning to_state as status`,
          [`逾期上报至 ${target.code}`, now, inc.id],
        );
        return event!.status;
      });
      if (status === null) continue;
      results.push({ code: inc.code, target: target.code, notified });
      this.deps.pubsub.publish('incidentChanged', { path: inc.path, code: inc.code, event: 'overdue', status, at: now.toISOString() });
    }
    return results;
  }
}
