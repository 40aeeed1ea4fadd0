import { DomainError } from './errors.js';
import { assertTransitionInput, INCIDENT_EVENT_LABELS, INCIDENT_TRANSITIONS, type IncidentEvent, type IncidentState, type TransitionInput } from './incident-transitions.js';

/**
 * Joint handling (联合处置, docs/domain-rules.md#joint-handling): a yellow dispute (or any matter
 * one department cannot settle alone) is dispatched to a lead department plus co-departments.
 * The lead works the incident through the incident state machine; each co-department works its
 * own part through this smaller one. The incident is resolved only by the lead, and only once
 * no co-department's part is still open: every co-department has reported (resolved its part)
 * or sent its part back with a reason.
 */
export const DEPARTMENT_PART_STATES = ['dispatched', 'in_progress', 'resolved', 'returned'] as const;
export type DepartmentPartState = (typeof DEPARTMENT_PART_STATES)[number];

/** The department steps a co-department takes on its part (`#接单`, `#退回`, `#办结`). */
export const DEPARTMENT_PART_EVENTS = ['start', 'return', 'resolve'] as const satisfies readonly IncidentEvent[];
export type DepartmentPartEvent = (typeof DEPARTMENT_PART_EVENTS)[number];

export const PART_TRANSITIONS: Record<DepartmentPartState, Partial<Record<DepartmentPartEvent, DepartmentPartState>>> = {
  dispatched: { start: 'in_progress', return: 'returned', resolve: 'resolved' },
  in_progress: { return: 'returned', resolve: 'resolved' },
  resolved: {},
  returned: {},
};

/** Parts in these states still owe their report: the lead may not resolve the incident yet. */
export const OPEN_PART_STATES: readonly DepartmentPartState[] = ['dispatched', 'in_progress'];

/** The timeline event a part step writes (the incident's own state does not move). */
export const PART_TIMELINE_EVENT: Record<DepartmentPartEvent, string> = {
  start: 'part_start',
  return: 'part_return',
  resolve: 'part_resolve',
};

export const isPartEvent = (event: IncidentEvent): event is DepartmentPartEvent => (DEPARTMENT_PART_EVENTS as readonly string[]).includes(event);

/**
 * A co-department's step on its part: the next part state, or a refusal. Illegal steps are
 * CONFLICT `ILLEGAL_STEP` (as for incidents); a step lacking its note is BAD_USER_INPUT.
 */
export function applyPartStep(state: DepartmentPartState, event: DepartmentPartEvent, input: TransitionInput): DepartmentPartState {
  const next = PART_TRANSITIONS[state][event];
  if (next === undefined) {
    const allowed = DEPARTMENT_PART_EVENTS.filter((e) => PART_TRANSITIONS[state][e] !== undefined);
    throw new DomainError('CONFLICT', `cannot ${event} a department part that is ${state}; allowed: ${allowed.join(', ') || 'none'}`, { reason: 'ILLEGAL_STEP', state, event, allowed });
  }
  assertTransitionInput(event, input);
  return next;
}

/**
 * The lead may resolve the incident only when every co-department's part is closed (resolved
 * or returned); otherwise CONFLICT `CO_DEPARTMENTS_PENDING` naming the departments still owing.
 */
export function assertLeadMayResolve(parts: ReadonlyArray<{ department: string; status: DepartmentPartState }>): void {
  const pending = parts.filter((p) => OPEN_PART_STATES.includes(p.status)).map((p) => p.department);
  if (pending.length > 0) {
    throw new DomainError('CONFLICT', `co-departments have not reported yet: ${pending.join(', ')}`, { reason: 'CO_DEPARTMENTS_PENDING', departments: pending });
  }
}

/**
 * The co-departments named on a dispatch: trimmed, without repeats and without the lead itself.
 * At most {@link MAX_CO_DEPARTMENTS}.
 */
export function coDepartmentNames(lead: string, names: readonly string[] | null | undefined): string[] {
  const out: string[] = [];
  for (const raw of names ?? []) {
    const name = raw.trim();
    if (name && name !== lead.trim() && !out.includes(name)) out.push(name);
  }
  if (out.length > MAX_CO_DEPARTMENTS) throw new DomainError('BAD_USER_INPUT', `at most ${MAX_CO_DEPARTMENTS} co-departments`);
  return out;
}

export const MAX_CO_DEPARTMENTS = 10;

/** Labels for parts in replies (the incident's own state labels cover the rest). */
export const PART_EVENT_LABELS: Record<DepartmentPartEvent, string> = {
  start: INCIDENT_EVENT_LABELS.start,
  return: INCIDENT_EVENT_LABELS.return,
  resolve: INCIDENT_EVENT_LABELS.resolve,
};

/** The lead's part as `Incident.departments` shows it: where the incident stands for the lead. */
export function leadPartState(state: IncidentState): DepartmentPartState | null {
  switch (state) {
    case 'dispatched':
    case 'in_progress':
    case 'returned':
      return state;
    case 'resolved':
    case 'verified':
    case 'closed':
      return 'resolved';
    case 'reported':
    case 'handled':
    case 'escalated':
    case 'accepted':
    case 'rejected':
      return null;
  }
}

/**
 * The departments of a chat dispatch (`#派单 E… 城管` · `#派单 E… 城管 协办 民政 供电` ·
 * `#派单 E… 城管+民政+供电`): the lead first, then the co-departments. Null without a lead.
 */
export function readDispatchTargets(text: string): { lead: string; co: string[] } | null {
  const [head = '', ...rest] = text.trim().split(/\s+/);
  const [lead = '', ...joined] = head.split(/[+＋、,，]/);
  if (!lead) return null;
  const tail = rest.join(' ');
  const co = /^(?:协办|会同|联合)[:：]?\s*(.*)$/.exec(tail);
  const more = co ? co[1]!.split(/[\s+＋、,，]+/).filter(Boolean) : [];
  return { lead, co: [...joined.filter(Boolean), ...more] };
}

/**
 * What `#办结` means in a state: while a department works the incident (dispatched, in
 * progress) it is the department's `resolve`; afterwards the centre's `close`.
 */
export const finishEvent = (state: IncidentState): 'resolve' | 'close' => (INCIDENT_TRANSITIONS[state].resolve !== undefined ? 'resolve' : 'close');
