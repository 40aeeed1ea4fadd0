import { CATEGORY_IDS, type CategoryId } from './categories.js';
import { DISPUTE_COLOURS, type DisputeColour } from './dispute-colours.js';
import { DomainError } from './errors.js';
import { levelRank, type GridLevel } from './grid-levels.js';
import { isOpenState, type IncidentState } from './incident-transitions.js';

/**
 * Deadlines (规定期限) as a table. Durations are in hours of elapsed time (fractions allowed),
 * not working hours: an urgent matter reported at 23:00 is due at 01:00, so no time zone is needed.
 */
export interface DeadlinePolicy {
  /** Per category: hours for a normal and for an urgent report. */
  readonly categories: Readonly<Record<CategoryId, { readonly normal: number; readonly urgent: number }>>;
  /** Per dispute colour, for category `dispute`. */
  readonly disputeColours: Readonly<Record<DisputeColour, number>>;
  /** How long a verified incident waits for the resident's rating before it may be closed unrated. */
  readonly ratingWindowHours: number;
  /**
   * A department's own hours for work dispatched to it (by department name, e.g. 供电), in place
   * of the category's (or dispute colour's) normal hours; urgency still caps them.
   */
  readonly departments: Readonly<Record<string, number>>;
}

/** The part of a policy a configuration may override; everything left out keeps its default. */
export interface DeadlinePolicyOverride {
  readonly categories?: Partial<Record<CategoryId, Partial<{ normal: number; urgent: number }>>>;
  readonly disputeColours?: Partial<Record<DisputeColour, number>>;
  readonly ratingWindowHours?: number;
  readonly departments?: Readonly<Record<string, number>>;
}

const URGENT_HOURS = 2;
const SAFETY_HAZARD_HOURS = 24;
const DEFAULT_HOURS = 72;

/**
 * Defaults: urgent 2 h in every category; safety hazards 24 h; everything else 72 h (three days,
 * inside the weekly clearance). Disputes: red 2 h (handle at once), yellow 168 h (a week: several
 * departments must meet), blue 72 h. Residents get 72 h to rate. Departments: power (供电) and the
 * police station (派出所) answer within 24 h (outages and public order do not wait three days);
 * other departments keep the category's hours.
 */
export const DEFAULT_DEADLINE_POLICY: DeadlinePolicy = Object.freeze({
  categories: Object.freeze(
    Object.fromEntries(
      CATEGORY_IDS.map((id) => [id, Object.freeze({ normal: id === 'safety_hazard' ? SAFETY_HAZARD_HOURS : DEFAULT_HOURS, urgent: URGENT_HOURS })]),
    ) as Record<CategoryId, { normal: number; urgent: number }>,
  ),
  disputeColours: Object.freeze({ red: 2, yellow: 168, blue: 72 }),
  ratingWindowHours: 72,
  departments: Object.freeze({ 供电: 24, 派出所: 24 }),
});

function hours(value: number | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new DomainError('BAD_USER_INPUT', `deadline policy ${where} must be a positive number of hours, got ${String(value)}`);
  }
  return value;
}

/** Merges a configuration's override over `base` (the defaults), validating every number. */
export function deadlinePolicy(override: DeadlinePolicyOverride = {}, base: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): DeadlinePolicy {
  for (const id of Object.keys(override.categories ?? {})) {
    if (!(CATEGORY_IDS as readonly string[]).includes(id)) throw new DomainError('BAD_USER_INPUT', `deadline policy: unknown category ${id}`);
  }
  for (const colour of Object.keys(override.disputeColours ?? {})) {
    if (!(DISPUTE_COLOURS as readonly string[]).includes(colour)) throw new DomainError('BAD_USER_INPUT', `deadline policy: unknown dispute colour ${colour}`);
  }
  const categories = Object.fromEntries(
    CATEGORY_IDS.map((id) => {
      const row = override.categories?.[id];
      return [id, { normal: hours(row?.normal, base.categories[id].normal, `${id}.normal`), urgent: hours(row?.urgent, base.categories[id].urgent, `${id}.urgent`) }];
    }),
  ) as Record<CategoryId, { normal: number; urgent: number }>;
  const disputeColours = Object.fromEntries(
    DISPUTE_COLOURS.map((c) => [c, hours(override.disputeColours?.[c], base.disputeColours[c], `disputeColours.${c}`)]),
  ) as Record<DisputeColour, number>;
  const departments: Record<string, number> = { ...base.departments };
  for (const [name, h] of Object.entries(override.departments ?? {})) departments[name] = hours(h, 0, `departments.${name}`);
  return { categories, disputeColours, ratingWindowHours: hours(override.ratingWindowHours, base.ratingWindowHours, 'ratingWindowHours'), departments };
}

const HOUR_MS = 3_600_000;

/** What a deadline depends on: the matter, and at dispatch the department it goes to. */
export interface DeadlineInput {
  readonly category: CategoryId;
  readonly urgent?: boolean;
  readonly colour?: DisputeColour | null;
  /** The department's name, at dispatch (its own hours, see {@link DeadlinePolicy.departments}). */
  readonly department?: string | null;
}

/**
 * The hours allowed for an incident. A dispute's colour replaces its category's normal hours (a
 * yellow case needs several departments, so longer); urgency still caps it at the urgent hours.
 */
export function deadlineHours(input: DeadlineInput, policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): number {
  const row = policy.categories[input.category];
  // A colour only means something on a dispute; a stray one elsewhere is ignored, not trusted.
  const ownHours = input.department == null ? undefined : policy.departments[input.department];
  const normal = ownHours ?? (input.category === 'dispute' && input.colour != null ? policy.disputeColours[input.colour] : row.normal);
  return input.urgent ? Math.min(row.urgent, normal) : normal;
}

/**
 * When the incident is due: `reportedAt` (or the moment it was re-dispatched) plus the policy's
 * hours. `deadlineFor({ category: 'safety_hazard', urgent: false }, t)` is t + 24 h.
 */
export function deadlineFor(
  input: DeadlineInput,
  reportedAt: Date,
  policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY,
): Date {
  return new Date(reportedAt.getTime() + deadlineHours(input, policy) * HOUR_MS);
}

/** Past its deadline and still open (nobody resolved it). Due exactly now is not yet overdue. */
export function isOverdue(deadlineAt: Date | null | undefined, now: Date, status: IncidentState): boolean {
  return deadlineAt != null && isOpenState(status) && now.getTime() > deadlineAt.getTime();
}

/** True once a verified incident has waited the rating window; a job may then close it unrated. */
export function ratingWindowLapsed(verifiedAt: Date, now: Date, policy: DeadlinePolicy = DEFAULT_DEADLINE_POLICY): boolean {
  return now.getTime() >= verifiedAt.getTime() + policy.ratingWindowHours * HOUR_MS;
}

/**
 * The rungs of "小事不出网格，大事不出社区，难事不出街道": a lapse in a grid goes to its community,
 * then to its street, and no further.
 */
export const ESCALATION_LADDER: readonly GridLevel[] = ['community', 'street'];

/** A grid in an ancestor chain; ids are whatever the caller uses. */
export interface GridStep {
  readonly level: GridLevel;
}

/**
 * The stops an incident's escalations go through, given its grid's ancestor chain (root first,
 * the incident's grid last): the nearest ancestor at each rung of {@link ESCALATION_LADDER}.
 * A rung the tree lacks is skipped (Zhuzhou has no communities: straight to the street). A grid
 * under no rung at all (a tree without communities and streets) escalates to its parent once,
 * so a lapse is never dropped silently. A grid at street level or above escalates nowhere.
 */
export function escalationStops<T extends GridStep>(chain: readonly T[]): T[] {
  const grid = chain[chain.length - 1];
  if (grid === undefined) return [];
  const streetRank = levelRank('street');
  if (levelRank(grid.level) <= streetRank) return [];
  const ancestors = chain.slice(0, -1).filter((a) => levelRank(a.level) < levelRank(grid.level));
  const stops: T[] = [];
  for (const rung of ESCALATION_LADDER) {
    // Nearest first: the deepest ancestor at that level.
    const match = [...ancestors].reverse().find((a) => a.level === rung);
    if (match !== undefined && !stops.includes(match)) stops.push(match);
  }
  if (stops.length === 0) {
    const parent = ancestors[ancestors.length - 1];
    if (parent !== undefined) stops.push(parent);
  }
  return stops;
}

/**
 * The grid the next escalation goes to, after `escalations` have already happened; null when
 * the ladder is exhausted (the street keeps hard matters) or nothing is above.
 */
export function escalationTarget<T extends GridStep>(chain: readonly T[], escalations: number): T | null {
  if (!Number.isInteger(escalations) || escalations < 0) throw new DomainError('BAD_USER_INPUT', `bad escalation count ${escalations}`);
  return escalationStops(chain)[escalations] ?? null;
}
