/**
 * Chasing the silent (docs/domain-rules.md#instructions, PagerDuty's lesson in #lessons): every stage is a row of this table.
 * At half of a window the chiefs of silent grids are @-mentioned in their own groups; at the
 * end of it the grid is marked overdue and its parent grid's chief gets the list. Each stage
 * fires once per grid: the receipt column named here is set by the one statement that claims it.
 */
export const DUTIES = ['ack', 'result'] as const;
export type Duty = (typeof DUTIES)[number];

export type ChaseAction = 'remind' | 'overdue';

export interface ChaseStage {
  readonly name: 'ack_reminder' | 'ack_overdue' | 'result_reminder' | 'result_overdue';
  readonly duty: Duty;
  readonly action: ChaseAction;
  /** Where in the window (issued → deadline) it fires: 0.5 half-way, 1 at the deadline. */
  readonly fraction: number;
  /** The receipt column that records (and claims) it. */
  readonly column: 'ack_reminded_at' | 'ack_overdue_at' | 'result_reminded_at' | 'result_overdue_at';
}

export const CHASE_STAGES: readonly ChaseStage[] = [
  { name: 'ack_reminder', duty: 'ack', action: 'remind', fraction: 0.5, column: 'ack_reminded_at' },
  { name: 'ack_overdue', duty: 'ack', action: 'overdue', fraction: 1, column: 'ack_overdue_at' },
  { name: 'result_reminder', duty: 'result', action: 'remind', fraction: 0.5, column: 'result_reminded_at' },
  { name: 'result_overdue', duty: 'result', action: 'overdue', fraction: 1, column: 'result_overdue_at' },
];

/** When a stage fires for an instruction issued at `issuedAt` with that duty's `deadline`. */
export function stageDueAt(stage: ChaseStage, issuedAt: Date, deadline: Date): Date {
  const start = issuedAt.getTime();
  return new Date(start + Math.round((deadline.getTime() - start) * stage.fraction));
}

/** True once `now` has reached the stage's moment (a deadline is due at its instant). */
export const stageDue = (stage: ChaseStage, issuedAt: Date, deadline: Date, now: Date): boolean =>
  now.getTime() >= stageDueAt(stage, issuedAt, deadline).getTime();
