import type { GridLevel } from './grid-levels.js';
import type { LimitName } from './rate-limits.js';
import type { ActorRole } from './roles.js';

/**
 * Domain errors carry a code, an English message for logs and API clients, and, when an adapter
 * needs more than the code to explain the refusal, a typed detail: a `reason` and its
 * parameters. GraphQL turns code and detail into `extensions`; the bot renders its Chinese
 * from them in one place (src/texts/zh). No error carries prose for people.
 */
export type DomainErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED';

// Incident states, steps and clearance periods are plain strings here: their tables import this
// module, and the renderers look their labels up with a fallback anyway.
/** Why a refusal happened, with what an adapter needs to say so. One member per reason. */
export type ErrorDetail =
  // Incident steps.
  /** The incident's state does not allow the step; `allowed` are the state's steps. */
  | { reason: 'ILLEGAL_STEP'; state: string; event: string; allowed: readonly string[] }
  /** The step is legal in this state but not for this role. */
  | { reason: 'ROLE_MAY_NOT'; role: ActorRole; event: string; state?: string }
  /** Department work (start, return, resolve) belongs to the department it was dispatched to. */
  | { reason: 'NOT_YOUR_DEPARTMENT'; event: string; department: string | null }
  /** Joint handling: the lead may resolve only once every co-department has reported or returned its part. */
  | { reason: 'CO_DEPARTMENTS_PENDING'; departments: readonly string[] }
  /** A verdict (拍拍板) from a contact who did not report the incident, or with nothing awaiting one. */
  | { reason: 'NOT_YOUR_REPORT' }
  | { reason: 'NO_VERDICT_AWAITED' }
  /** A chat command that needs a grid's group, sent in a direct message or a department's group. */
  | { reason: 'GROUP_ONLY' }
  /** The reopen policy refuses: too late, too often, or not this role. */
  | { reason: 'REOPEN_REFUSED'; why: 'role' | 'window' | 'limit'; days?: number; times?: number }
  | { reason: 'MISSING_FIELDS'; event: string; missing: readonly string[] }
  | { reason: 'BAD_REJECT_REASON'; event: string; rejectReason: string | null | undefined }
  | { reason: 'BAD_MEDIATION_OUTCOME'; event?: string; outcome: string | null | undefined }
  /** Only disputes are mediated and carry a colour. */
  | { reason: 'NOT_A_DISPUTE'; category: string; colour?: string }
  // Grids.
  /** A grid cannot be deleted or moved while these still hang on it. */
  | {
      reason: 'GRID_IN_USE';
      children: number;
      members: number;
      departments: number;
      incidents: number;
      instructions: number;
      groups: number;
      clearances: number;
    }
  // Instructions.
  | { reason: 'OUT_OF_RANGE'; field: string; value: number }
  | { reason: 'LEVELS_NOT_BELOW'; levels: readonly GridLevel[] }
  | { reason: 'ITEMS_FOR_OTHER_GRIDS'; grids: readonly string[] }
  | { reason: 'INSTRUCTION_CANCELLED'; code: string; state: 'cancelled' }
  | { reason: 'NO_OPEN_INSTRUCTION'; grid: string }
  | { reason: 'INSTRUCTION_NOT_RECEIVED'; code: string; grid: string }
  // Clearance.
  | { reason: 'PERIOD_NOT_RUN'; period: string }
  | { reason: 'ROLE_MAY_NOT_CONFIRM'; role: ActorRole; period: string }
  | { reason: 'GRID_NOT_IN_ROUND'; grid: string; period: string; levels: readonly GridLevel[] }
  // Bindings.
  | { reason: 'OWN_GRID_ONLY'; grid: string }
  | { reason: 'GRID_HAS_GROUP'; grid: string; group: string }
  | { reason: 'GROUP_BOUND_ELSEWHERE'; grid: string }
  | { reason: 'DEPARTMENT_HAS_GROUP'; department: string; group: string }
  | { reason: 'BAD_BIND_CODE' }
  | { reason: 'CONTACT_BOUND_ELSEWHERE' }
  /** The bind code is the commander's or instructor's: the issuer confirms it over GraphQL first. */
  | { reason: 'BINDING_NOT_PENDING'; code: string }
  // Limits (code RATE_LIMITED): which budget ran out and when to try again.
  | { reason: 'RATE_LIMITED'; limit: LimitName; retryAfterSeconds: number }
  // Photos.
  /** A photo key no upload of this token or grid made (or none at all). */
  | { reason: 'PHOTO_NOT_YOURS'; key: string }
  /** The day's upload quota of this token is used up. */
  | { reason: 'PHOTO_QUOTA'; what: 'count' | 'bytes'; limit: number; retryAfterSeconds: number }
  // Chat commands that lack a part (thrown by the bot's plugins).
  | { reason: 'GROUP_NOT_BOUND' }
  | { reason: 'NOT_AN_INSTRUCTION_CODE'; ref: string }
  | { reason: 'COMMAND_INCOMPLETE'; need: 'grade' | 'instruction_text' | 'result_text' }
  // A place whose coordinates cannot be (a location message or a report's place).
  | { reason: 'BAD_COORDINATES'; latitude: number; longitude: number };

export type ErrorReason = ErrorDetail['reason'];

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Why, with parameters, for adapters that explain refusals (the bot) and clients. */
    readonly detail?: ErrorDetail,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
