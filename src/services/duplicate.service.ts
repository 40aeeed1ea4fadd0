import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { mayTake, planSteps, type IncidentState } from '../domain/incident-transitions.js';
import { IncidentEventEntity } from '../entities/incident-event.entity.js';
import type { IncidentEntity } from '../entities/incident.entity.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { mergedText } from '../texts/zh/index.js';
import type { ServiceDeps } from './context.js';
import type { IncidentService } from './incident.service.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';

/**
 * Possible duplicates (linked when a report is stored, see IncidentRepository.linkDuplicates)
 * are the centre's to settle: merge a duplicate into its survivor, or split a link that was
 * wrong. Who may is the centre (those who may reject an incident).
 */
export class DuplicateService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly incidents: IncidentService,
  ) {}

  /**
   * Merges `duplicate` into `survivor`: the duplicate is rejected as a duplicate (its state must
   * allow a rejection) and points at the survivor, whose timeline gains a `merge` entry with the
   * duplicate's description and photos; both reporters are told in their groups. Figures count
   * the matter once (merged incidents are left out of them).
   */
  async merge(actor: Actor, survivorCode: string, duplicateCode: string): Promise<IncidentEntity> {
    this.assertCentre(actor);
    const now = this.deps.clock.now();
    let changed: IncidentEntity[] = [];
    const survivor = await this.deps.em.transactional(async (tx) => {
      const s = await this.incidents.get(actor, survivorCode, tx, true);
      const d = await this.incidents.get(actor, duplicateCode, tx, true);
      if (s.id === d.id) throw new DomainError('BAD_USER_INPUT', 'an incident cannot be merged into itself');
      if (s.mergedInto) throw new DomainError('CONFLICT', `${s.code} was itself merged into another incident`);
      if (d.mergedInto) throw new DomainError('CONFLICT', `${d.code} is already merged`);
      const [step] = planSteps({ state: d.status, event: 'reject', actorRole: actor.role }).slice(-1);
      const photos = (await tx.find(IncidentEventEntity, { incident: d.id })).flatMap((e) => e.photos);
      tx.create(IncidentEventEntity, { incident: d, event: 'merge', fromState: d.status, toState: step!.to, actorRole: actor.role, actorMemberId: actor.memberId, note: s.code, photos: [], at: now });
      tx.create(IncidentEventEntity, { incident: s, event: 'merge', fromState: s.status, toState: s.status, actorRole: actor.role, actorMemberId: actor.memberId, note: `${d.code}：${d.description}`, photos, at: now });
      Object.assign(d, { status: step!.to, closedAt: now, updatedAt: now, mergedInto: s, duplicateOf: s });
      s.updatedAt = now;
      const text = mergedText(d.code, s.code);
      await new OutboxRepository(tx).enqueueForGrids(
        [d, s].map((i) => ({ gridId: i.grid.id, text, dedupeKey: `merge:${d.code}:${s.code}:${i.code}`, kind: 'merge', priority: priorityOf(MESSAGE_LANES.merge), ref: i.code, mentionMemberIds: i.reporter ? [i.reporter.id] : [] })),
        now,
      );
      changed = [d, s];
      return s;
    });
    for (const i of changed) this.incidents.published(i, 'merge');
    return survivor;
  }

  /**
   * Undoes a wrong link: a possible duplicate is unlinked; a merged incident also gets back the
   * state it had before the merge. A `split` entry goes on its timeline.
   */
  async split(actor: Actor, code: string): Promise<IncidentEntity> {
    this.assertCentre(actor);
    const now = this.deps.clock.now();
    const incident = await this.deps.em.transactional(async (tx) => {
      const i = await this.incidents.get(actor, code, tx, true);
      if (!i.duplicateOf && !i.mergedInto) throw new DomainError('CONFLICT', `${i.code} is not linked to another incident`);
      const from = i.status;
      if (i.mergedInto) {
        i.status = await this.stateBeforeMerge(i, tx);
        i.closedAt = null;
      }
      Object.assign(i, { mergedInto: null, duplicateOf: null, updatedAt: now });
      tx.create(IncidentEventEntity, { incident: i, event: 'split', fromState: from, toState: i.status, actorRole: actor.role, actorMemberId: actor.memberId, note: null, photos: [], at: now });
      return i;
    });
    this.incidents.published(incident, 'split');
    return incident;
  }

  private async stateBeforeMerge(i: IncidentEntity, tx: EntityManager): Promise<IncidentState> {
    const merge = await tx.findOne(IncidentEventEntity, { incident: i.id, event: 'merge' }, { orderBy: { id: 'desc' } });
    return (merge?.fromState as IncidentState | null | undefined) ?? 'reported';
  }

  private assertCentre(actor: Actor): void {
    if (!mayTake('reject', actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} may not merge or split incidents`, { reason: 'ROLE_MAY_NOT', role: actor.role, event: 'merge' });
  }
}
