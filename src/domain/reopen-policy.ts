import { DomainError } from './errors.js';
import type { IncidentActorRole } from './incident-transitions.js';

/**
 * Reopening (重新受理) as policy data: who may reopen a finished incident, within how many days
 * of its closing, how many times, and what each reopen does. A resident's unsatisfied verdict
 * (拍拍板: 不满意) sends the incident back too, so it counts as a reopen; it is never refused (it
 * is the resident's word), only its consequence follows the table.
 */
export interface ReopenPolicy {
  /** Roles that may reopen a closed or rejected incident (the centre). */
  readonly roles: readonly IncidentActorRole[];
  /** A reopen must come within this many days of the closing. */
  readonly windowDays: number;
  /**
   * What the n-th reopen (1-based, verdicts included) does: `reopen` sends it back as usual,
   * `escalate` also hands it one level up the escalation ladder. Reopens beyond the table are
   * refused; a verdict beyond it does what the last entry does.
   */
  readonly onReopen: readonly ReopenOutcome[];
}

export const REOPEN_OUTCOMES = ['reopen', 'escalate'] as const;
export type ReopenOutcome = (typeof REOPEN_OUTCOMES)[number];

/**
 * Defaults: the centre (admin, commander, instructor, chief) may reopen within 30 days of
 * closing, three times; the third reopen escalates a level (a problem that keeps coming back is
 * a hard matter: "难事不出街道").
 */
export const DEFAULT_REOPEN_POLICY: ReopenPolicy = Object.freeze({
  roles: Object.freeze(['admin', 'commander', 'instructor', 'chief'] as const),
  windowDays: 30,
  onReopen: Object.freeze(['reopen', 'reopen', 'escalate'] as const),
});

/** The reopen (or verdict) being judged. */
export interface ReopenRequest {
  /** `reopen`: the centre reopens a finished incident; `verdict`: a resident is not satisfied. */
  readonly kind: 'reopen' | 'verdict';
  readonly role: IncidentActorRole;
  /** Reopens (verdicts included) this incident has had before. */
  readonly priorReopens: number;
  /** When it was closed (reopen only; null when it never was). */
  readonly closedAt: Date | null;
  readonly now: Date;
}

const DAY_MS = 86_400_000;

/**
 * What this reopen does under `policy`, or a refusal (FORBIDDEN, reason `REOPEN_REFUSED` with
 * `why` = role | window | limit).
 */
export function judgeReopen(req: ReopenRequest, policy: ReopenPolicy = DEFAULT_REOPEN_POLICY): ReopenOutcome {
  if (!Number.isInteger(req.priorReopens) || req.priorReopens < 0) throw new DomainError('BAD_USER_INPUT', `bad reopen count ${req.priorReopens}`);
  const nth = req.priorReopens + 1;
  const last = policy.onReopen[policy.onReopen.length - 1] ?? 'reopen';
  if (req.kind === 'verdict') return policy.onReopen[nth - 1] ?? last;
  if (!policy.roles.includes(req.role)) {
    throw new DomainError('FORBIDDEN', `a ${req.role} may not reopen an incident`, { reason: 'REOPEN_REFUSED', why: 'role' });
  }
  if (req.closedAt !== null && req.now.getTime() - req.closedAt.getTime() > policy.windowDays * DAY_MS) {
    throw new DomainError('FORBIDDEN', `an incident may be reopened within ${policy.windowDays} days of closing`, { reason: 'REOPEN_REFUSED', why: 'window', days: policy.windowDays });
  }
  const outcome = policy.onReopen[nth - 1];
  if (outcome === undefined) {
    throw new DomainError('FORBIDDEN', `an incident may be reopened at most ${policy.onReopen.length} times`, { reason: 'REOPEN_REFUSED', why: 'limit', times: policy.onReopen.length });
  }
  return outcome;
}
