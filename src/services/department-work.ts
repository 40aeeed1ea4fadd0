import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import { deadlineFor } from '../domain/deadline-policy.js';
import type { DisputeColour } from '../domain/dispute-colours.js';
import { DomainError } from '../domain/errors.js';
import type { IncidentEvent } from '../domain/incident-transitions.js';
import { applyPartStep, assertLeadMayResolve, PART_TIMELINE_EVENT, type DepartmentPartEvent } from '../domain/joint-handling.js';
import { storableText } from '../domain/text.js';
import { DepartmentEntity } from '../entities/department.entity.js';
import { GridEntity } from '../entities/grid.entity.js';
import { IncidentDepartmentEntity } from '../entities/incident-department.entity.js';
import { IncidentEventEntity } from '../entities/incident-event.entity.js';
import { IncidentVerdictEntity } from '../entities/incident-verdict.entity.js';
import type { IncidentEntity } from '../entities/incident.entity.js';
import { MemberEntity } from '../entities/member.entity.js';
import { DepartmentRepository } from '../repositories/department.repository.js';
import { MemberRepository } from '../repositories/member.repository.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { departmentDispatchText, departmentPartText, verdictQuestionText } from '../texts/zh/index.js';
import type { ServiceDeps } from './context.js';

/** Who in a department acts on an incident: the lead (null part) or a co-department on its part. */
export interface DepartmentActing {
  department: string | null;
  part: IncidentDepartmentEntity | null;
}

/**
 * The departments' side of the incident loop, inside the incident service's transactions:
 * whose work a department step is, co-departments' parts (联合处置), the notices that reach a
 * department (its group if bound, else its contacts directly), and the resident's verdict
 * question. Every method runs on the caller's transaction `tx`.
 */
export class DepartmentWork {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Start, return and resolve belong to the department the incident was dispatched to, or, for
   * its part, to a co-department (the operator acts as the lead). Anyone else: FORBIDDEN
   * `NOT_YOUR_DEPARTMENT`.
   */
  async acting(actor: Actor, incident: IncidentEntity, event: IncidentEvent, tx: EntityManager): Promise<DepartmentActing> {
    const assigned = incident.department ? await tx.findOne(DepartmentEntity, { id: incident.department.id }) : null;
    if (actor.role === 'admin') return { department: assigned?.name ?? null, part: null };
    const mine = actor.memberId === null ? null : ((await tx.findOne(MemberEntity, { id: actor.memberId }))?.department?.id ?? null);
    if (mine !== null && mine === assigned?.id) return { department: assigned.name, part: null };
    if (mine !== null) {
      const part = await tx.findOne(IncidentDepartmentEntity, { incident: incident.id, department: mine }, { populate: ['department'] });
      if (part) return { department: part.department.name, part };
    }
    throw new DomainError('FORBIDDEN', `only the department ${incident.code} was dispatched to may ${event} it`, { reason: 'NOT_YOUR_DEPARTMENT', event, department: assigned?.name ?? null });
  }

  /** A co-department's step on its part: the part moves, the incident does not; on the timeline as `part_…`. */
  stepPart(actor: Actor, incident: IncidentEntity, part: IncidentDepartmentEntity, event: DepartmentPartEvent, note: string | null, now: Date, tx: EntityManager): void {
    const text = (note && storableText(note).trim()) || null;
    part.status = applyPartStep(part.status, event, { note: text });
    part.note = text ?? part.note ?? null;
    part.updatedAt = now;
    incident.updatedAt = now;
    const entry = text ? `${part.department.name}：${text}` : part.department.name;
    tx.create(IncidentEventEntity, { incident, event: PART_TIMELINE_EVENT[event], fromState: incident.status, toState: incident.status, actorRole: actor.role, actorMemberId: actor.memberId, note: entry, photos: [], at: now });
  }

  /** The lead resolves only after every co-department reported or returned its part. */
  async assertPartsDone(incident: IncidentEntity, tx: EntityManager): Promise<void> {
    const parts = await tx.find(IncidentDepartmentEntity, { incident: incident.id }, { populate: ['department'], orderBy: { id: 'asc' } });
    assertLeadMayResolve(parts.map((p) => ({ department: p.department.name, status: p.status })));
  }

  /**
   * A dispatch names the whole set of departments: the lead (already set on the incident) and
   * these co-departments, each serving the incident's grid, each with its own deadline from the
   * policy (or the dispatch's deadline). Parts of an earlier dispatch are replaced. Each
   * co-department is told.
   */
  async dispatchParts(incident: IncidentEntity, lead: string, names: readonly string[], deadline: Date | null, now: Date, tx: EntityManager): Promise<void> {
    const resolved: Array<{ id: number; name: string }> = [];
    for (const name of names) {
      const id = await new MemberRepository(tx).departmentServing(name, incident.path);
      if (id === null) throw new DomainError('NOT_FOUND', `no department ${name} serves incident ${incident.code}`);
      resolved.push({ id, name });
    }
    await tx.nativeDelete(IncidentDepartmentEntity, { incident: incident.id });
    for (const { id, name } of resolved) {
      const due = deadline ?? deadlineFor({ category: incident.category, urgent: incident.urgent, colour: (incident.disputeColour as DisputeColour | null) ?? null, department: name }, now, this.deps.config.deadlinePolicy);
      tx.create(IncidentDepartmentEntity, { incident, department: tx.getReference(DepartmentEntity, id), status: 'dispatched', deadlineAt: due, note: null, updatedAt: now });
      const facts = { ...incident, closedAt: null, place: await this.place(incident, tx) };
      await this.tell(id, departmentPartText(facts, name, lead, due, this.deps.config.timeZone), `part:${incident.code}:${id}:${now.getTime()}:`, 'dispatch', incident.code, now, tx);
    }
  }

  /** The dispatched lead department gets the work, with the code, place, deadline and how to answer. */
  async tellLead(incident: IncidentEntity, departmentId: number, name: string, now: Date, tx: EntityManager): Promise<void> {
    const text = departmentDispatchText({ ...incident, closedAt: null, place: await this.place(incident, tx) }, name, this.deps.config.timeZone);
    await this.tell(departmentId, text, `dispatch:${incident.code}:${now.getTime()}:`, 'dispatch', incident.code, now, tx);
  }

  /**
   * Queues `text` for a department in the caller's transaction: to its bound group (its members
   * @-mentioned), else as a direct message to each of its members' bound contacts.
   */
  async tell(departmentId: number, text: string, dedupePrefix: string, kind: string, ref: string, now: Date, tx: EntityManager, mention?: readonly number[]): Promise<void> {
    const repo = new DepartmentRepository(tx);
    const { group } = await repo.channel(departmentId);
    const outbox = new OutboxRepository(tx);
    if (group) {
      const mentionMemberIds = mention ?? (await repo.memberIds(departmentId));
      await outbox.enqueueForRooms([{ roomId: group.roomId, text, dedupeKey: `${dedupePrefix}group`, kind, ref, mentionMemberIds, priority: priorityOf(MESSAGE_LANES.departmentNotice) }], now);
      return;
    }
    await outbox.enqueueForDepartment({ departmentId, text, dedupePrefix, kind, ref, priority: priorityOf(MESSAGE_LANES.departmentNotice) }, now);
  }

  /**
   * 拍拍板: once the worker's revisit confirmed the resolution, the resident who reported it in a
   * group (an unbound contact) is asked there for the verdict, by name; on the timeline as
   * `verdict_asked`. Incidents reported otherwise are rated as before.
   */
  async askVerdict(incident: IncidentEntity, now: Date, tx: EntityManager): Promise<void> {
    if (incident.reporter) return;
    const contact = await new DepartmentRepository(tx).reportingContact(incident.id);
    if (!contact) return;
    // One question per round of the loop (an unsatisfied verdict starts another).
    const round = await tx.count(IncidentVerdictEntity, { incident: incident.id });
    await new OutboxRepository(tx).enqueueForRooms(
      [{ roomId: contact.roomId, text: verdictQuestionText(incident.code, contact.name), dedupeKey: `verdict:${incident.code}:${round}:${now.getTime()}`, kind: 'verdict', ref: incident.code, priority: priorityOf(MESSAGE_LANES.verdictQuestion) }],
      now,
    );
    tx.create(IncidentEventEntity, { incident, event: 'verdict_asked', fromState: incident.status, toState: incident.status, actorRole: 'system', actorMemberId: null, note: contact.name, photos: [], at: now });
  }

  private async place(incident: IncidentEntity, tx: EntityManager): Promise<string> {
    const grid = await tx.findOneOrFail(GridEntity, { id: incident.grid.id });
    return incident.location ? `${grid.name} ${incident.location}` : grid.name;
  }
}
