import { MEDIATION_OUTCOMES } from './dispute-colours.js';
import { DomainError } from './errors.js';
import { ROLES, type Role } from './roles.js';

/**
 * The incident closed loop (docs/domain-rules.md#incidents) as data: one table of states and steps, one table of who
 * may take each step, one table of what each step must carry. The service, the GraphQL
 * `<verb>Incident` mutations, the bot and the help texts all read these tables.
 *
 * Which *grid* an actor may act on (own grid, an ancestor's) is scope, checked by the service
 * with the actor's path; these tables only answer "which role, in which state".
 */
export const INCIDENT_STATES = [
  'reported',
  'handled',
  'escalated',
  'accepted',
  'dispatched',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'rejected',
  'returned',
] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** One event per `<verb>Incident` mutation (`handleIncident`, `dispatchIncident`, …). */
export const INCIDENT_EVENTS = [
  'handle',
  'escalate',
  'accept',
  'reject',
  'dispatch',
  'start',
  'return',
  'resolve',
  'verify',
  'rate',
  'close',
  'reopen',
  'mediate',
] as const;
export type IncidentEvent = (typeof INCIDENT_EVENTS)[number];

/** Member roles, the operator, and residents (who report and judge the result, 拍拍板). */
export type IncidentActorRole = Role | 'resident';
export const INCIDENT_ACTOR_ROLES: readonly IncidentActorRole[] = [...ROLES, 'resident'];

/**
 * The state machine. `mediate` is a self-loop: it records a mediation attempt on a dispute
 * without moving the incident (see dispute-colours.ts for what the outcome changes).
 * `rate` holds the satisfied outcome; an unsatisfied rating goes to {@link RATE_UNSATISFIED_TARGET}.
 */
export const INCIDENT_TRANSITIONS: Record<IncidentState, Partial<Record<IncidentEvent, IncidentState>>> = {
  reported: { handle: 'handled', escalate: 'escalated', accept: 'accepted', reject: 'rejected', mediate: 'reported' },
  // Handled on the spot is final: it is what the disposal rate counts (handledOnSite).
  handled: {},
  escalated: { accept: 'accepted', reject: 'rejected', mediate: 'escalated' },
  accepted: { dispatch: 'dispatched', reject: 'rejected', mediate: 'accepted' },
  dispatched: { start: 'in_progress', return: 'returned', resolve: 'resolved', mediate: 'dispatched' },
  in_progress: { return: 'returned', resolve: 'resolved', mediate: 'in_progress' },
  resolved: { verify: 'verified' },
  verified: { rate: 'closed', close: 'closed' },
  // A recurring problem, or a complaint after closing (e.g. via 12345), goes back to the centre.
  closed: { reopen: 'accepted' },
  // A wrongful rejection is undone the same way.
  rejected: { reopen: 'accepted' },
  // The department sent it back: the centre dispatches again (another department) or rejects it
  // (e.g. out of jurisdiction after all).
  returned: { dispatch: 'dispatched', reject: 'rejected', mediate: 'returned' },
};

/**
 * Where an unsatisfied rating sends a verified incident: back to the same department, which
 * keeps the loop short (no new acceptance) and keeps the department accountable.
 */
export const RATE_UNSATISFIED_TARGET: IncidentState = 'dispatched';

/** Nobody has resolved these yet: only they can be overdue. */
export const OPEN_STATES: readonly IncidentState[] = ['reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'returned'];
/** Finished (closed and rejected can still be reopened by the centre). */
export const FINAL_STATES: readonly IncidentState[] = ['handled', 'closed', 'rejected'];

export const isOpenState = (state: IncidentState): boolean => OPEN_STATES.includes(state);
export const isFinalState = (state: IncidentState): boolean => FINAL_STATES.includes(state);

/**
 * Who may take a step. `roles` may always (in an allowed state); `reporterRoles` may only when
 * they reported this incident themselves ("谁发现谁处置", and the reporter's own verdict).
 */
export interface EventGuard {
  readonly roles: readonly IncidentActorRole[];
  readonly reporterRoles?: readonly IncidentActorRole[];
}

const CENTRE: readonly IncidentActorRole[] = ['admin', 'commander', 'instructor', 'chief'];
const GRID_TEAM: readonly IncidentActorRole[] = ['admin', 'worker', 'chief'];
/** Everyone who works the grid. Residents and viewers are not: a resident "handling" their own
 * report would inflate the grid's disposal rate, and viewers only watch. */
const FINDERS: readonly IncidentActorRole[] = ['admin', 'commander', 'instructor', 'chief', 'worker', 'assistant', 'volunteer', 'department'];

export const EVENT_GUARDS: Record<IncidentEvent, EventGuard> = {
  handle: { roles: GRID_TEAM, reporterRoles: FINDERS },
  escalate: { roles: ['admin', 'worker', 'chief', 'assistant'] },
  accept: { roles: CENTRE },
  reject: { roles: CENTRE },
  dispatch: { roles: CENTRE },
  start: { roles: ['admin', 'department'] },
  return: { roles: ['admin', 'department'] },
  resolve: { roles: ['admin', 'department'] },
  verify: { roles: GRID_TEAM },
  // The worker may record the resident's verdict on the revisit; the reporter may give it.
  rate: { roles: GRID_TEAM, reporterRoles: INCIDENT_ACTOR_ROLES.filter((r) => r !== 'viewer') },
  // Closing without a rating (the resident cannot be reached): the centre takes responsibility.
  close: { roles: CENTRE },
  reopen: { roles: CENTRE },
  mediate: { roles: ['admin', 'commander', 'instructor', 'chief', 'worker', 'assistant', 'department'] },
};

/** Chinese state labels for bot replies and dashboards. */
export const INCIDENT_STATE_LABELS: Record<IncidentState, string> = {
  reported: '已登记',
  handled: '现场处置',
  escalated: '已上报',
  accepted: '已受理',
  dispatched: '已派单',
  in_progress: '处置中',
  resolved: '已办结待核查',
  verified: '已核查待评价',
  closed: '已结案',
  rejected: '已驳回',
  returned: '已退单',
};

/** Chinese step labels, for "可进行：受理、驳回" style replies and help texts. */
export const INCIDENT_EVENT_LABELS: Record<IncidentEvent, string> = {
  handle: '现场处置',
  escalate: '上报',
  accept: '受理',
  reject: '驳回',
  dispatch: '派单',
  start: '开始处置',
  return: '退单',
  resolve: '办结',
  verify: '核查',
  rate: '评价',
  close: '结案',
  reopen: '重新受理',
  mediate: '调解',
};

export const REJECT_REASONS = ['duplicate', 'out_of_jurisdiction', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export const REJECT_REASON_LABELS: Record<RejectReason, string> = {
  duplicate: '重复上报',
  out_of_jurisdiction: '不属于管辖范围',
  other: '其他',
};

/** What a step may carry. Photos are references (storage keys); their bytes are checked elsewhere. */
export interface TransitionInput {
  readonly note?: string | null;
  readonly photos?: readonly unknown[] | null;
  readonly department?: string | number | null;
  readonly deadline?: Date | null;
  readonly reason?: string | null;
  readonly satisfied?: boolean | null;
  readonly outcome?: string | null;
}
export type TransitionField = keyof TransitionInput;

/**
 * What each step must carry, so every step leaves evidence ("事事有对应,单单有着落").
 * `dispatch.deadline`: the service fills it from the deadline policy when the caller gave none,
 * before this check. `reject` with reason `other` also needs a note.
 */
export const REQUIRED_INPUT: Record<IncidentEvent, readonly TransitionField[]> = {
  handle: ['note'],
  escalate: [],
  accept: [],
  reject: ['reason'],
  dispatch: ['department', 'deadline'],
  start: [],
  return: ['note'],
  // The after-photo is the worker's, on the revisit (verify); the department's may come with it.
  resolve: ['note'],
  verify: ['photos'],
  rate: ['satisfied'],
  close: [],
  reopen: ['note'],
  mediate: ['outcome'],
};

function present(input: TransitionInput, field: TransitionField): boolean {
  const value = input[field];
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/** Refuses a step that lacks what {@link REQUIRED_INPUT} asks for, with `BAD_USER_INPUT`. */
export function assertTransitionInput(event: IncidentEvent, input: TransitionInput): void {
  const missing = REQUIRED_INPUT[event].filter((field) => !present(input, field));
  if (missing.length > 0) {
    throw new DomainError('BAD_USER_INPUT', `${event} needs ${missing.join(', ')}`, { reason: 'MISSING_FIELDS', event, missing });
  }
  if (event === 'reject') {
    if (!(REJECT_REASONS as readonly string[]).includes(input.reason ?? '')) {
      throw new DomainError('BAD_USER_INPUT', `reject reason must be one of ${REJECT_REASONS.join(', ')}`, { reason: 'BAD_REJECT_REASON', event, rejectReason: input.reason });
    }
    if (input.reason === 'other' && !present(input, 'note')) {
      throw new DomainError('BAD_USER_INPUT', 'reject with reason other needs a note', { reason: 'MISSING_FIELDS', event, missing: ['note'] });
    }
  }
  if (event === 'mediate' && !(MEDIATION_OUTCOMES as readonly string[]).includes(input.outcome ?? '')) {
    throw new DomainError('BAD_USER_INPUT', `mediation outcome must be one of ${MEDIATION_OUTCOMES.join(', ')}`, { reason: 'BAD_MEDIATION_OUTCOME', event, outcome: input.outcome });
  }
}

/** The steps the state machine allows from `state`, whoever asks. */
export const eventsFrom = (state: IncidentState): IncidentEvent[] =>
  INCIDENT_EVENTS.filter((event) => INCIDENT_TRANSITIONS[state][event] !== undefined);

/** True when `role` may take `event` (in a state that allows it). */
export function mayTake(event: IncidentEvent, role: IncidentActorRole, isReporter = false): boolean {
  const guard = EVENT_GUARDS[event];
  return guard.roles.includes(role) || (isReporter && (guard.reporterRoles ?? []).includes(role));
}

/** The steps `role` may take on an incident in `state`: what a bot reply or UI offers. */
export const allowedEvents = (state: IncidentState, role: IncidentActorRole, isReporter = false): IncidentEvent[] =>
  eventsFrom(state).filter((event) => mayTake(event, role, isReporter));

export interface TransitionRequest {
  readonly state: IncidentState;
  readonly event: IncidentEvent;
  readonly actorRole: IncidentActorRole;
  /** The actor reported this incident themselves. */
  readonly isReporter?: boolean;
  /** Required for `rate`: satisfied closes, unsatisfied sends it back to the department. */
  readonly satisfied?: boolean | null;
}

/**
 * The next state, or a refusal. The state is checked before the role, so an illegal step is
 * always `CONFLICT` (detail `ILLEGAL_STEP` with `{ state, event, allowed }`, `allowed` being the state's steps);
 * a legal step the role may not take is `FORBIDDEN`.
 */
export function applyTransition(req: TransitionRequest): IncidentState {
  const { state, event, actorRole } = req;
  // Values arrive from GraphQL enums and chat; guard against a stray string at runtime.
  if (!(INCIDENT_STATES as readonly string[]).includes(state)) throw new DomainError('BAD_USER_INPUT', `unknown incident state ${String(state)}`);
  if (!(INCIDENT_EVENTS as readonly string[]).includes(event)) throw new DomainError('BAD_USER_INPUT', `unknown incident step ${String(event)}`);
  const next = INCIDENT_TRANSITIONS[state][event];
  if (next === undefined) {
    const allowed = eventsFrom(state);
    throw new DomainError(
      'CONFLICT',
      `cannot ${event} an incident that is ${state}; allowed: ${allowed.length > 0 ? allowed.join(', ') : 'none'}`,
      { reason: 'ILLEGAL_STEP', state, event, allowed },
    );
  }
  if (!mayTake(event, actorRole, req.isReporter ?? false)) {
    throw new DomainError('FORBIDDEN', `a ${actorRole} may not ${event} an incident`, { reason: 'ROLE_MAY_NOT', role: actorRole, event, state });
  }
  if (event === 'rate') {
    if (typeof req.satisfied !== 'boolean') throw new DomainError('BAD_USER_INPUT', 'rate needs satisfied (true or false)', { reason: 'MISSING_FIELDS', event, missing: ['satisfied'] });
    return req.satisfied ? next : RATE_UNSATISFIED_TARGET;
  }
  return next;
}

/** One step of an act: the event taken and the state it leads to. */
export interface PlannedStep {
  readonly event: IncidentEvent;
  readonly to: IncidentState;
}

/**
 * The steps one act takes, whatever the channel (a GraphQL mutation or a bot command). Every act
 * is its one step of {@link applyTransition}, except `dispatch`: the centre "accepts and
 * dispatches" (派单) as one act, so dispatching an incident not yet accepted (reported,
 * escalated) accepts it on the way and both steps go on the timeline. Refusals are those of
 * {@link applyTransition}, with the dispatch guard checked first: a role that may not dispatch
 * is told it may not dispatch, not that it may not accept.
 */
export function planSteps(req: TransitionRequest): PlannedStep[] {
  if (req.event === 'dispatch' && INCIDENT_TRANSITIONS[req.state]?.dispatch === undefined) {
    const accepted = INCIDENT_TRANSITIONS[req.state]?.accept;
    if (accepted !== undefined && INCIDENT_TRANSITIONS[accepted].dispatch !== undefined) {
      if (!mayTake('dispatch', req.actorRole, req.isReporter ?? false)) {
        throw new DomainError('FORBIDDEN', `a ${req.actorRole} may not dispatch an incident`, { reason: 'ROLE_MAY_NOT', role: req.actorRole, event: 'dispatch', state: req.state });
      }
      return [
        { event: 'accept', to: applyTransition({ ...req, event: 'accept' }) },
        { event: 'dispatch', to: applyTransition({ ...req, state: accepted }) },
      ];
    }
  }
  return [{ event: req.event, to: applyTransition(req) }];
}
