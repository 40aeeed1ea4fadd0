import { escalationTarget } from '../domain/deadline-policy.js';
import { pathIds } from '../domain/actor.js';
import { EscalationRepository, type DueIncident } from '../repositories/escalation.repository.js';
import { DepartmentRepository, type DueDepartmentWork } from '../repositories/department.repository.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { departmentEscalatedNote, departmentOverdueText, escalatedNote } from '../texts/zh/index.js';
import type { ServiceDeps } from './context.js';

/** Who is told when a matter is handed up to a grid. */
const NOTIFIED_ROLES = ['chief', 'commander', 'instructor'];

export interface EscalationResult {
  code: string;
  target: string;
  notified: string[];
}

/** Overdue department work handed to the department's head. */
export interface DepartmentEscalationResult {
  code: string;
  department: string;
  head: string;
  /** A co-department's part (true) or the lead's work. */
  part: boolean;
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

  /**
   * Overdue department work (the lead's, or a co-department's open part, past its own deadline)
   * goes to the department's head, once per lapse: the head is told through the bot (the
   * department's group, mentioned, else a direct message) and the incident's timeline records
   * it (`escalate_head`). Departments without a head are left to the grid ladder above.
   */
  async escalateDepartmentWork(now: Date, batch = 500): Promise<DepartmentEscalationResult[]> {
    const results: DepartmentEscalationResult[] = [];
    const zone = this.deps.config.timeZone;
    for (;;) {
      const { due, told } = await this.deps.em.transactional(async (tx) => {
        const repo = new DepartmentRepository(tx);
        const work = await repo.dueWork(now, batch);
        const stored = await repo.record(
          work.map((w) => ({ incidentId: w.incident_id, departmentId: w.department_id, lapsedDeadline: w.deadline_at, headId: w.head_id, note: departmentEscalatedNote(w.department, w.head) })),
          now,
        );
        const recorded = new Set(stored.map((t) => `${t.incident_id}:${t.department_id}`));
        const mine: DueDepartmentWork[] = [];
        const outbox = new OutboxRepository(tx);
        for (const w of work) {
          if (!recorded.has(`${w.incident_id}:${w.department_id}`)) continue;
          const text = departmentOverdueText(w, w.department, w.head, new Date(w.deadline_at), zone, w.part);
          const { group, botAccount } = await repo.channel(w.department_id);
          const key = `escalate-head:${w.code}:${w.department_id}:${new Date(w.deadline_at).getTime()}`;
          if (group) await outbox.enqueueForRooms([{ roomId: group.roomId, text, dedupeKey: key, kind: 'escalation', ref: w.code, mentionMemberIds: [w.head_id], priority: priorityOf(MESSAGE_LANES.escalation) }], now);
          else if (w.head_contact && botAccount) await outbox.enqueueForRooms([{ botAccount, roomId: w.head_contact, text, dedupeKey: key, kind: 'escalation', ref: w.code, priority: priorityOf(MESSAGE_LANES.escalation) }], now);
          results.push({ code: w.code, department: w.department, head: w.head, part: w.part });
          mine.push(w);
        }
        return { due: work, told: mine };
      });
      // Published after the commit, for the lapses this instance recorded.
      for (const w of told) this.deps.pubsub.publish('incidentChanged', { path: w.path, code: w.code, event: 'escalate_head', status: w.status, at: now.toISOString() });
      if (due.length < batch) return results;
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
