import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertVisible, pathIds, type Actor } from '../domain/actor.js';
import type { Role } from '../domain/roles.js';
import { isCategoryId, type CategoryId } from '../domain/categories.js';
import type { CategoryGuess } from '../domain/chat/index.js';
import { normalizeCode } from '../domain/codes.js';
import { dayKey } from '../domain/day-key.js';
import { deadlineFor, escalationTarget } from '../domain/deadline-policy.js';
import { DEFAULT_REOPEN_POLICY, judgeReopen } from '../domain/reopen-policy.js';
import { assertMediable, initialDisputeColour, recordMediation, type DisputeColour, type MediationOutcome } from '../domain/dispute-colours.js';
import { DomainError } from '../domain/errors.js';
import { storableText } from '../domain/text.js';
import { mayReport } from '../domain/roles.js';
import { checkPlace, placeLabel, placeNote, type RawPlace } from '../domain/places.js';
import { assertTransitionInput, planSteps, type IncidentEvent, type PlannedStep, type TransitionInput } from '../domain/incident-transitions.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import { DepartmentEntity } from '../entities/department.entity.js';
import { IncidentDepartmentEntity } from '../entities/incident-department.entity.js';
import { IncidentVerdictEntity } from '../entities/incident-verdict.entity.js';
import { coDepartmentNames, isPartEvent, PART_TIMELINE_EVENT } from '../domain/joint-handling.js';
import { DepartmentRepository } from '../repositories/department.repository.js';
import { DepartmentWork, type DepartmentActing } from './department-work.js';
import { IncidentEventEntity } from '../entities/incident-event.entity.js';
import { IncidentEntity } from '../entities/incident.entity.js';
import { GridEntity } from '../entities/grid.entity.js';
import { IncidentEscalationEntity } from '../entities/incident-escalation.entity.js';
import { EscalationRepository } from '../repositories/escalation.repository.js';
import type { IncidentChangedEvent } from '../infra/pubsub.js';
import { IncidentRepository, type IncidentFilter } from '../repositories/incident.repository.js';
import { MemberRepository } from '../repositories/member.repository.js';
import { PhotoRepository } from '../repositories/photo.repository.js';
import { PhotoService } from './photo.service.js';
import { incidentFromRow } from './report-writer.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';

export interface ReportIncidentInput {
  grid: string;
  description: string;
  category?: string | null;
  /**
   * With `category` \`other\`: the classifier's two best guesses when it was unsure (the bot's
   * parser classified already). Without `category` the description is classified here.
   */
  categoryGuesses?: readonly CategoryGuess[] | null;
  urgent?: boolean | null;
  location?: string | null;
  /** Coordinates (and name, address) of the place: a WeChat location message, or given with the report. */
  place?: RawPlace | null;
  colour?: DisputeColour | null;
  photos?: readonly string[] | null;
  /** A channel's idempotency key: reporting twice with the same key returns the first incident. */
  sourceKey?: string | null;
}

export interface IncidentStepInput extends TransitionInput {
  photos?: readonly string[] | null;
  outcome?: MediationOutcome | null;
  /** With `dispatch`: co-departments beside the lead (联合处置), each working its own part. */
  coDepartments?: readonly string[] | null;
}

/** Who gave a verdict through the chat: the WeChat contact, kept with the verdict. */
export interface VerdictContact {
  contactId: string;
  name: string;
}

/** What a department step did: the lead's step, or a co-department's step on its part. */
export interface DepartmentStepResult {
  incident: IncidentEntity;
  department: string | null;
  part: boolean;
}

interface StepOptions {
  /** The actor reported it (a resident's contact, proven by the caller). */
  isReporter?: boolean;
  verdictBy?: VerdictContact | null;
}

const MAX_TEXT = 2000;

/** Who may re-categorise an incident (the centre). */
export const RECATEGORIZE_ROLES: readonly Role[] = ['commander', 'admin'];
/** The steps only the department an incident was dispatched to may take. */
const DEPARTMENT_WORK: readonly IncidentEvent[] = ['start', 'return', 'resolve'];

/** Whose reports share one budget of RATE_LIMIT_REPORTS: a member's (any channel) or a token's; null for the operator and residents (the bot limits contacts). */
const reporterKey = (actor: Actor): string | null => (actor.memberId !== null ? `m:${actor.memberId}` : actor.tokenId !== null ? `t:${actor.tokenId}` : null);

/** Opaque keyset cursor over (createdAt, id). */
export const encodeCursor = (i: IncidentEntity): string => Buffer.from(`${i.createdAt.toISOString()}|${i.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: Date; id: number } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !/^\d+$/.test(id ?? '')) throw new DomainError('BAD_USER_INPUT', 'invalid cursor');
  return { createdAt, id: Number(id) };
}

export class IncidentService {
  private readonly photos: PhotoService;
  private readonly work: DepartmentWork;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {
    this.photos = new PhotoService(deps);
    this.work = new DepartmentWork(deps);
  }

  /** The incident with this code (typed loosely) inside the actor's subtree, or NOT_FOUND. */
  async get(actor: Actor, code: string, em: EntityManager = this.deps.em, lock = false): Promise<IncidentEntity> {
    const normal = normalizeCode(code);
    if (!normal || !normal.startsWith('E')) throw new DomainError('BAD_USER_INPUT', `${code} is not an incident code (like E20261122-0012)`);
    const incident = await em.findOne(IncidentEntity, { code: normal }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!incident) throw new DomainError('NOT_FOUND', `incident ${normal} not found in your scope`);
    assertVisible(actor, incident.path, `incident ${normal}`);
    return incident;
  }

  /** Incidents under `under` (default: the actor's subtree), newest first, keyset-paged. */
  async list(actor: Actor, filter: Omit<IncidentFilter, 'scopePath'> & { under?: string | null }, first: number, after: string | null): Promise<{ rows: IncidentEntity[]; hasNext: boolean }> {
    pageSize(first, PAGE_LIMITS.rows);
    const scopePath = await this.grids.scopePath(actor, filter.under);
    const rows = await new IncidentRepository(this.deps.em).list({ ...filter, scopePath }, this.deps.clock.now(), first + 1, after ? decodeCursor(after) : null);
    return { rows: rows.slice(0, first), hasNext: rows.length > first };
  }

  /** Every step of every incident under `scope` (default the actor's subtree), as it happens. */
  async watchChanges(actor: Actor, scope: string | null): Promise<AsyncIterable<IncidentChangedEvent>> {
    const path = await this.grids.scopePath(actor, scope);
    return this.deps.feeds.watch(`incidentChanged|${path}`, { events: () => this.deps.pubsub.subscribe('incidentChanged', path) });
  }

  /** Registers a report with a gap-free code of the day (grid time zone) and its deadline. */
  async report(actor: Actor, input: ReportIncidentInput): Promise<IncidentEntity> {
    if (!mayReport(actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} does not report incidents`);
    await this.photos.assertUsable(actor, input.photos, this.deps.em);
    const description = storableText(input.description).trim();
    if (!description || description.length > MAX_TEXT) throw new DomainError('BAD_USER_INPUT', `description must be 1 to ${MAX_TEXT} characters`);
    if (input.category && !isCategoryId(input.category)) throw new DomainError('BAD_USER_INPUT', `unknown category ${input.category}`);
    const verdict = input.category ? { category: input.category as CategoryId, guesses: input.categoryGuesses ?? [] } : this.deps.categorise(description);
    const category: CategoryId = verdict?.category ?? 'other';
    const guesses = category === 'other' && verdict?.guesses.length ? verdict.guesses.map((g) => ({ category: g.category, confidence: g.confidence })) : null;
    const urgent = Boolean(input.urgent);
    const colour = initialDisputeColour({ category, urgent, colour: input.colour ?? null });
    const place = input.place ? checkPlace(input.place) : null;
    const grid = await this.grids.ref(actor, input.grid);
    if (input.sourceKey) {
      const earlier = await this.deps.em.findOne(IncidentEntity, { sourceKey: input.sourceKey });
      if (earlier) return earlier;
    }
    const reporter = reporterKey(actor);
    if (reporter) await this.deps.limits.enforce('report', reporter, 'reports');
    const now = this.deps.clock.now();
    const day = dayKey(now, this.deps.config.timeZone);
    // Stored through the group-commit writer: gap-free codes without one commit per report.
    const row = await this.deps.reports.submit({
      day,
      gridId: grid.id,
      reporterId: actor.memberId,
      description,
      category,
      categoryGuesses: guesses,
      urgent,
      location: (input.location && storableText(input.location).trim()) || (place && placeLabel(place)) || null,
      colour,
      deadlineAt: deadlineFor({ category, urgent, colour }, now, this.deps.config.deadlinePolicy),
      at: now,
      actorRole: actor.role,
      photos: [...(input.photos ?? [])],
      sourceKey: input.sourceKey ?? null,
    });
    if (input.photos?.length) await new PhotoRepository(this.deps.em).markReferenced(input.photos, now);
    const incident = incidentFromRow(this.deps.em, row);
    this.publish(incident, 'report');
    if (place) {
      // The coordinates are a step of their own on the timeline, as when the location comes after the report.
      const located = await this.locate(actor, incident.code, place);
      Object.assign(incident, { location: located.location, locationAddress: located.locationAddress, latitude: located.latitude, longitude: located.longitude, updatedAt: located.updatedAt });
    }
    return incident;
  }

  /**
   * Sets where an incident is from a place (a WeChat location message sent with its report):
   * its name becomes `location` (unless it has none), with the address and coordinates; a
   * `locate` entry on the timeline (note `name address @lat,long`). The state does not change.
   */
  async locate(actor: Actor, code: string, input: RawPlace): Promise<IncidentEntity> {
    if (!mayReport(actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} does not report incidents`);
    const place = checkPlace(input);
    const now = this.deps.clock.now();
    const incident = await this.deps.em.transactional(async (tx) => {
      const current = await this.get(actor, code, tx, true);
      current.location = placeLabel(place) ?? current.location ?? null;
      current.locationAddress = place.address;
      current.latitude = place.latitude;
      current.longitude = place.longitude;
      current.updatedAt = now;
      tx.create(IncidentEventEntity, { incident: current, event: 'locate', fromState: current.status, toState: current.status, actorRole: actor.role, actorMemberId: actor.memberId, note: placeNote(place), photos: [], at: now });
      return current;
    });
    this.publish(incident, 'locate');
    return incident;
  }

  /**
   * Takes one act of the state machine (see planSteps: `dispatch` accepts on the way when
   * needed), in one transaction; refused acts are CONFLICT or FORBIDDEN.
   */
  async step(actor: Actor, code: string, event: IncidentEvent, input: IncidentStepInput = {}): Promise<IncidentEntity> {
    return (await this.take(actor, code, event, input)).incident;
  }

  /**
   * `#接单` / `#退回` / `#办结` from a department: the lead's step on the incident, or a
   * co-department's on its part; the same rules as the start/return/resolve mutations.
   */
  departmentStep(actor: Actor, code: string, event: 'start' | 'return' | 'resolve', note: string | null): Promise<DepartmentStepResult> {
    return this.take(actor, code, event, { note });
  }

  /**
   * A verdict (拍拍板) given in the chat. A member's follows the rate rules; a resident (an
   * unbound contact) may judge only an incident they reported themselves (the incident named,
   * else the newest one awaiting their verdict), wherever they write from. Kept with the contact.
   */
  async verdict(actor: Actor, by: VerdictContact, code: string | null, satisfied: boolean, note: string | null): Promise<IncidentEntity> {
    if (actor.role !== 'resident') {
      if (!code) throw new DomainError('BAD_USER_INPUT', 'an incident code is required');
      return (await this.take(actor, code, 'rate', { satisfied, note }, { verdictBy: by })).incident;
    }
    const repo = new DepartmentRepository(this.deps.em);
    const target = code ? normalizeCode(code) : await repo.awaitingVerdict(by.contactId);
    if (!target) throw new DomainError('NOT_FOUND', 'no incident of yours awaits a verdict', { reason: 'NO_VERDICT_AWAITED' });
    const incident = await this.deps.em.findOne(IncidentEntity, { code: target });
    if (!incident) throw new DomainError('NOT_FOUND', `incident ${target} not found`);
    const reporter = incident.reporter ? null : await repo.reportingContact(incident.id);
    if (reporter?.contactId !== by.contactId) throw new DomainError('FORBIDDEN', `${target} was reported by someone else`, { reason: 'NOT_YOUR_REPORT' });
    const asReporter: Actor = { role: 'resident', path: incident.path, gridId: incident.grid.id, gridCode: null, memberId: null, tokenId: null };
    return (await this.take(asReporter, target, 'rate', { satisfied, note }, { isReporter: true, verdictBy: by })).incident;
  }

  private async take(actor: Actor, code: string, event: IncidentEvent, input: IncidentStepInput, opts: StepOptions = {}): Promise<DepartmentStepResult> {
    const now = this.deps.clock.now();
    let steps: PlannedStep[] = [];
    let acting: DepartmentActing = { department: null, part: null };
    const incident = await this.deps.em.transactional(async (tx) => {
      const current = await this.get(actor, code, tx, true);
      const isReporter = opts.isReporter ?? (actor.memberId !== null && current.reporter?.id === actor.memberId);
      steps = planSteps({ state: current.status, event, actorRole: actor.role, isReporter, satisfied: input.satisfied ?? null });
      if (DEPARTMENT_WORK.includes(event)) acting = await this.work.acting(actor, current, event, tx);
      // Photos after who-may: a refused step is refused for its actor, whatever it carries.
      await this.photos.assertUsable(actor, input.photos, tx);
      if (acting.part && isPartEvent(event)) {
        this.work.stepPart(actor, current, acting.part, event, input.note ?? null, now, tx);
        return current;
      }
      if (event === 'resolve' && DEPARTMENT_WORK.includes(event)) await this.work.assertPartsDone(current, tx);
      const reopening = event === 'reopen' || (event === 'rate' && input.satisfied === false);
      const outcome = reopening
        ? judgeReopen(
            { kind: event === 'reopen' ? 'reopen' : 'verdict', role: actor.role, priorReopens: await new IncidentRepository(tx).reopenCount(current.id), closedAt: current.closedAt ?? null, now },
            DEFAULT_REOPEN_POLICY,
          )
        : null;
      const next = steps[steps.length - 1]!.to;
      let department: DepartmentEntity | null = null;
      const coDepartments = event === 'dispatch' ? coDepartmentNames(String(input.department ?? ''), input.coDepartments) : [];
      if (event === 'dispatch' && input.department) {
        // A department serving the incident's grid or any grid above it.
        const deptId = await new MemberRepository(tx).departmentServing(String(input.department).trim(), current.path);
        if (deptId === null) throw new DomainError('NOT_FOUND', `no department ${input.department} serves incident ${current.code}`);
        department = tx.getReference(DepartmentEntity, deptId);
      }
      const deadline =
        event === 'dispatch'
          ? (input.deadline ??
            deadlineFor({ category: current.category, urgent: current.urgent, colour: (current.disputeColour as DisputeColour | null) ?? null, department: department ? String(input.department).trim() : null }, now, this.deps.config.deadlinePolicy))
          : null;
      assertTransitionInput(event, { ...input, ...(deadline ? { deadline } : {}) });
      if (input.note && input.note.length > MAX_TEXT) throw new DomainError('BAD_USER_INPUT', `note must be at most ${MAX_TEXT} characters`);
      if (event === 'mediate') {
        assertMediable(current.category);
        const result = recordMediation({ colour: (current.disputeColour as DisputeColour | null) ?? 'blue', failedMediations: current.failedMediations }, input.outcome!);
        current.disputeColour = result.colour;
        current.failedMediations = result.failedMediations;
      }
      if (department) current.department = department;
      if (deadline) current.deadlineAt = deadline;
      if (event === 'rate') {
        current.satisfied = input.satisfied ?? null;
        const by = opts.verdictBy ?? null;
        tx.create(IncidentVerdictEntity, { incident: current, satisfied: input.satisfied === true, note: (input.note && storableText(input.note).trim()) || null, memberId: actor.memberId, contactId: by?.contactId ?? null, contactName: by?.name.slice(0, 128) ?? null, at: now });
      }
      // Steps taken on the way (the accept of accept-and-dispatch) carry nothing but themselves.
      for (const before of steps.slice(0, -1)) {
        tx.create(IncidentEventEntity, { incident: current, event: before.event, fromState: current.status, toState: before.to, actorRole: actor.role, actorMemberId: actor.memberId, note: null, photos: [], at: now });
        current.status = before.to;
      }
      const from = current.status;
      current.status = next;
      current.updatedAt = now;
      if (next === 'closed' || next === 'handled' || next === 'rejected') current.closedAt = now;
      else current.closedAt = null;
      tx.create(IncidentEventEntity, { incident: current, event, fromState: from, toState: next, actorRole: actor.role, actorMemberId: actor.memberId, note: (input.note && storableText(input.note).trim()) || input.reason || input.outcome || null, photos: [...(input.photos ?? [])], at: now });
      if (outcome === 'escalate') await this.escalateOneLevel(current, now, tx);
      if (department) {
        const lead = String(input.department).trim();
        await this.work.tellLead(current, department.id, lead, now, tx);
        await this.work.dispatchParts(current, lead, coDepartments, input.deadline ?? null, now, tx);
      }
      if (next === 'verified') await this.work.askVerdict(current, now, tx);
      if (input.photos?.length) await new PhotoRepository(tx).markReferenced(input.photos, now);
      return current;
    });
    const part: IncidentDepartmentEntity | null = acting.part;
    if (part && isPartEvent(event)) this.publish(incident, PART_TIMELINE_EVENT[event]);
    else for (const taken of steps) this.publish(incident, taken.event, taken.to);
    return { incident, department: acting.department, part: part !== null };
  }

  /**
   * Adds photos to an incident's record without changing its state (a photo sent in the group
   * right after the report): an immutable `photo` entry on the timeline.
   */
  async attachPhotos(actor: Actor, code: string, photos: readonly string[]): Promise<IncidentEntity> {
    if (!photos.length) throw new DomainError('BAD_USER_INPUT', 'no photos to attach');
    await this.photos.assertUsable(actor, photos, this.deps.em);
    const now = this.deps.clock.now();
    const incident = await this.deps.em.transactional(async (tx) => {
      const current = await this.get(actor, code, tx, true);
      current.updatedAt = now;
      tx.create(IncidentEventEntity, { incident: current, event: 'photo', fromState: current.status, toState: current.status, actorRole: actor.role, actorMemberId: actor.memberId, note: null, photos: [...photos], at: now });
      await new PhotoRepository(tx).markReferenced(photos, now);
      return current;
    });
    this.publish(incident, 'photo');
    return incident;
  }

  /**
   * The centre sets an incident's category (typically one filed as `other` with the classifier's
   * guesses): a `recategorize` entry on the timeline (note `old → new`), published like a step.
   * The guesses are cleared; the deadline stays as it was set.
   */
  async recategorize(actor: Actor, code: string, category: string): Promise<IncidentEntity> {
    if (!RECATEGORIZE_ROLES.includes(actor.role as Role)) {
      throw new DomainError('FORBIDDEN', `a ${actor.role} may not re-categorise incidents; allowed: ${RECATEGORIZE_ROLES.join(', ')}`, { reason: 'ROLE_MAY_NOT', role: actor.role, event: 'recategorize' });
    }
    if (!isCategoryId(category)) throw new DomainError('BAD_USER_INPUT', `unknown category ${category}`);
    const now = this.deps.clock.now();
    const incident = await this.deps.em.transactional(async (tx) => {
      const current = await this.get(actor, code, tx, true);
      const before = current.category;
      if (before === category && !current.categoryGuesses) return current;
      current.category = category;
      current.categoryGuesses = null;
      current.updatedAt = now;
      tx.create(IncidentEventEntity, { incident: current, event: 'recategorize', fromState: current.status, toState: current.status, actorRole: actor.role, actorMemberId: actor.memberId, note: `${before} → ${category}`, photos: [], at: now });
      return current;
    });
    this.publish(incident, 'recategorize');
    return incident;
  }

  /**
   * A reopen the policy marks `escalate` hands the incident one level up the ladder, as an
   * overdue lapse would: an escalation row (keyed by this moment) and an `escalate_level` entry.
   */
  private async escalateOneLevel(incident: IncidentEntity, now: Date, tx: EntityManager): Promise<void> {
    const repo = new EscalationRepository(tx);
    const ids = pathIds(incident.path);
    const byId = new Map((await repo.grids(ids)).map((g) => [g.id, g]));
    const chain = ids.flatMap((id) => byId.get(id) ?? []);
    const done = await tx.count(IncidentEscalationEntity, { incident: incident.id });
    const target = escalationTarget(chain, done) ?? null;
    if (!target) return;
    tx.create(IncidentEscalationEntity, { incident, lapsedDeadline: now, target: tx.getReference(GridEntity, target.id), notified: [], at: now });
    tx.create(IncidentEventEntity, { incident, event: 'escalate_level', fromState: incident.status, toState: incident.status, actorRole: 'system', actorMemberId: null, note: target.code, photos: [], at: now });
  }

  /** Tells live feeds an incident changed (for acts of other services on incidents: merge, split). */
  published(incident: IncidentEntity, event: string): void {
    this.publish(incident, event);
  }

  private publish(incident: IncidentEntity, event: string, status: string = incident.status): void {
    this.deps.pubsub.publish('incidentChanged', {
      path: incident.path,
      code: incident.code,
      event,
      status,
      at: incident.updatedAt.toISOString(),
    });
  }
}
