import { escalationTarget } from '../domain/deadline-policy.js';
import { pathIds } from '../domain/actor.js';
import { EscalationRepository, type DueIncident } from '../repositories/escalation.repository.js';
import { escalatedNote } from '../texts/zh/index.js';
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
 * Set-based: four statements a batch however many incidents lapsed (see EscalationRepository).
 */
export class EscalationService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Walks every due lapse, `batch` at a time (four statements a batch): a batch of lapses that
   * cannot go higher (already at the street) must not hide the ones behind it.
   */
  async escalateOverdue(now: Date, batch = 500): Promise<EscalationResult[]> {
    const repo = new EscalationRepository(this.deps.em);
    const results: EscalationResult[] = [];
    let after: DueIncident | undefined;
    for (;;) {
      const due = await repo.dueIncidents(now, batch, after);
      results.push(...(await this.escalate(repo, due, now)));
      if (due.length < batch) return results;
      after = due[due.length - 1];
    }
  }

  private async escalate(repo: EscalationRepository, due: readonly DueIncident[], now: Date): Promise<EscalationResult[]> {
    if (!due.length) return [];
    const gridIds = [...new Set(due.flatMap((inc) => pathIds(inc.path)))];
    const gridById = new Map((await repo.grids(gridIds)).map((g) => [g.id, g]));
    const planned = due.flatMap((inc) => {
      const chain = pathIds(inc.path).flatMap((id) => gridById.get(id) ?? []);
      const target = escalationTarget(chain, Number(inc.escalations));
      return target ? [{ inc, target }] : [];
    });
    if (!planned.length) return [];
    const targetIds = [...new Set(planned.map((p) => p.target.id))];
    const notifiedAt = new Map<number, string[]>(targetIds.map((id) => [id, []]));
    for (const p of await repo.members(targetIds, NOTIFIED_ROLES)) notifiedAt.get(p.grid_id)!.push(`${p.role}:${p.name}`);
    const stored = await repo.record(
      planned.map(({ inc, target }) => ({ incidentId: inc.id, lapsedDeadline: inc.deadline_at, targetGridId: target.id, notified: notifiedAt.get(target.id)!, note: escalatedNote(target.code) })),
      now,
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
