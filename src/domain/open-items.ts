import { FINAL_STATES, INCIDENT_STATES, allowedEvents, type IncidentActorRole, type IncidentEvent, type IncidentState } from './incident-transitions.js';

/**
 * "My open items" (`#进度` with no code): what waits on one person, read from the incident
 * state table rather than listed by hand, so a change of who may take which step changes the
 * list with it.
 */

/** Steps that do not move an incident on: a mediation attempt is a record, a reopen undoes a final state. */
const NOT_PENDING_WORK: readonly IncidentEvent[] = ['mediate', 'reopen'];

/** The states in which `role` has a step to take that moves the incident on (a worker: reported, resolved, verified). */
export function statesWaitingOn(role: IncidentActorRole): IncidentState[] {
  return INCIDENT_STATES.filter((state) => allowedEvents(state, role).some((event) => !NOT_PENDING_WORK.includes(event)));
}

/** The states in which an incident someone reported is still theirs to follow: not yet finished. */
export const FOLLOWED_STATES: readonly IncidentState[] = INCIDENT_STATES.filter((s) => !FINAL_STATES.includes(s));

/** Departments work only what was dispatched to them (the service filters by the member's department). */
export const worksDispatchedOnly = (role: IncidentActorRole): boolean => role === 'department';

/** How many items of each kind one reply lists; the rest are counted ("等 N 件"). */
export const OPEN_ITEMS_SHOWN = 5;
