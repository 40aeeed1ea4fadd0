import type { ClearancePeriod } from './clearance-periods.js';
import type { ActorRole, Role } from './roles.js';

/**
 * A grid's answer to one round, and what the assessment (考核) makes of a run of them: how
 * often it confirmed on time, and its streak of on-time confirmations.
 */
export const SLOT_STATUSES = ['pending', 'confirmed', 'missed'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/** Who may answer a round for a grid: the grid team itself, or the operator on its behalf (not residents). */
export const CONFIRM_ROLES: readonly Role[] = ['chief', 'worker', 'assistant', 'admin'];
export const mayConfirm = (role: ActorRole): boolean => (CONFIRM_ROLES as readonly ActorRole[]).includes(role);

/** One round as the record sees it, oldest first. */
export interface RoundOutcome {
  readonly status: SlotStatus;
  readonly late: boolean;
  readonly zeroReport: boolean;
  readonly flagged: boolean;
  /** The deadline has passed (a pending slot before the deadline is not yet judged). */
  readonly deadlinePassed: boolean;
}

export interface ClearanceRecord {
  /** Rounds judged: past their deadline, or already confirmed. */
  readonly rounds: number;
  readonly onTime: number;
  readonly late: number;
  /** Silent at the deadline and still unanswered. */
  readonly missed: number;
  readonly zeroReports: number;
  readonly flagged: number;
  /** onTime / rounds, or null with no round judged. */
  readonly onTimeRate: number | null;
  /** On-time confirmations in a row, ending with the latest judged round. */
  readonly streak: number;
  readonly longestStreak: number;
}

const onTime = (o: RoundOutcome) => o.status === 'confirmed' && !o.late;

/** Folds outcomes (oldest first) into the record; rounds still open and unanswered are skipped. */
export function clearanceRecord(outcomes: readonly RoundOutcome[]): ClearanceRecord {
  const judged = outcomes.filter((o) => o.status === 'confirmed' || o.deadlinePassed);
  let streak = 0;
  let longest = 0;
  for (const o of judged) {
    streak = onTime(o) ? streak + 1 : 0;
    longest = Math.max(longest, streak);
  }
  const count = (f: (o: RoundOutcome) => boolean) => judged.filter(f).length;
  const on = count(onTime);
  return {
    rounds: judged.length,
    onTime: on,
    late: count((o) => o.status === 'confirmed' && o.late),
    missed: count((o) => o.status !== 'confirmed'),
    zeroReports: count((o) => o.status === 'confirmed' && o.zeroReport),
    flagged: count((o) => o.flagged),
    onTimeRate: judged.length ? on / judged.length : null,
    streak,
    longestStreak: longest,
  };
}

/** A grid's matters in the period, for the roll-call (reported, handled, still open, overdue). */
export interface GridPeriodSummary {
  readonly reported: number;
  readonly handled: number;
  readonly open: number;
  /** Codes of open incidents past their deadline, most overdue first. */
  readonly overdueCodes: readonly string[];
}

/** What a confirmation did, for the reply to whoever answered. */
export interface ConfirmationOutcome {
  readonly period: ClearancePeriod;
  readonly gridCode: string;
  readonly zeroReport: boolean;
  readonly late: boolean;
  /** Open overdue incidents of the grid when it sent a zero report. */
  readonly flaggedCodes: readonly string[];
  /** Set when the grid had already answered this round (nothing changed). */
  readonly alreadyConfirmedAt: Date | null;
  readonly deadlineAt: Date;
}
