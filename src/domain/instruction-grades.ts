import { DomainError } from './errors.js';
import { GRID_LEVELS, levelRank, type GridLevel } from './grid-levels.js';
import type { ActorRole } from './roles.js';

/**
 * "重大事件一键下达" (docs/domain-rules.md#instructions) as data: China's emergency disposition grades, each with the
 * levels an instruction reaches by default, how long grids have to acknowledge and to report
 * back, and whether grid chiefs are @-mentioned. Every figure may be overridden per instruction.
 */
export const INSTRUCTION_GRADES = ['I', 'II', 'III', 'IV'] as const;
/** An instruction is active until it is cancelled (an amendment keeps it active). */
export const INSTRUCTION_STATUSES = ['active', 'cancelled'] as const;
export type InstructionStatus = (typeof INSTRUCTION_STATUSES)[number];
export type InstructionGrade = (typeof INSTRUCTION_GRADES)[number];

export interface GradePolicy {
  /** The deepest level reached: every level below the scope down to this one receives it. */
  readonly deepest: GridLevel;
  readonly ackMinutes: number;
  readonly resultMinutes: number;
  /** @-mention each receiving grid's chief in its group (bots have no @所有人). */
  readonly mentionChiefs: boolean;
}

/**
 * I and II reach every level down to the governance units, III down to micro-grids, IV the
 * communities. Zhuzhou had results from every grid within 30 minutes: that is grade I here.
 */
export const GRADE_POLICY: Readonly<Record<InstructionGrade, GradePolicy>> = Object.freeze({
  I: { deepest: 'unit', ackMinutes: 5, resultMinutes: 30, mentionChiefs: true },
  II: { deepest: 'unit', ackMinutes: 10, resultMinutes: 60, mentionChiefs: true },
  III: { deepest: 'micro_grid', ackMinutes: 30, resultMinutes: 240, mentionChiefs: true },
  IV: { deepest: 'community', ackMinutes: 120, resultMinutes: 1440, mentionChiefs: false },
});

export const GRADE_LABELS: Readonly<Record<InstructionGrade, string>> = {
  I: 'Ⅰ级（特别重大）',
  II: 'Ⅱ级（重大）',
  III: 'Ⅲ级（较大）',
  IV: 'Ⅳ级（一般）',
};

/** Who may issue, cancel or amend instructions (inside their own subtree). */
export const ISSUER_ROLES: readonly ActorRole[] = ['admin', 'commander', 'instructor'];
/** Who may acknowledge or report back for a grid of their subtree. Viewers and departments only watch. */
export const ANSWER_ROLES: readonly ActorRole[] = ['admin', 'commander', 'instructor', 'chief', 'worker', 'assistant', 'volunteer'];

export const isInstructionGrade = (value: string): value is InstructionGrade => (INSTRUCTION_GRADES as readonly string[]).includes(value);

/** Bounds on what an instruction may ask for: a minute at least, a week at most. */
export const MIN_MINUTES = 1;
export const MAX_MINUTES = 7 * 24 * 60;

export interface PolicyOverrides {
  readonly levels?: readonly GridLevel[] | null;
  readonly ackWithinMinutes?: number | null;
  readonly resultWithinMinutes?: number | null;
  readonly mentionChiefs?: boolean | null;
}

export interface ResolvedPolicy {
  readonly levels: GridLevel[];
  readonly ackMinutes: number;
  readonly resultMinutes: number;
  readonly mentionChiefs: boolean;
}

/** The grade's default levels below a scope at `scopeLevel`: every level under it down to the grade's deepest. */
export function defaultLevels(grade: InstructionGrade, scopeLevel: GridLevel): GridLevel[] {
  const deepest = levelRank(GRADE_POLICY[grade].deepest);
  return GRID_LEVELS.filter((l) => levelRank(l) > levelRank(scopeLevel) && levelRank(l) <= deepest);
}

function minutes(value: number | null | undefined, fallback: number, what: string): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < MIN_MINUTES || value > MAX_MINUTES) {
    throw new DomainError('BAD_USER_INPUT', `${what} must be a whole number of minutes between ${MIN_MINUTES} and ${MAX_MINUTES}`, { reason: 'OUT_OF_RANGE', field: what, value });
  }
  return value;
}

/**
 * The grade's policy with the instruction's overrides applied and checked: levels must lie
 * below the scope (the scope's own grid issues, it does not receive), the result may not be
 * due before the acknowledgement.
 */
export function resolvePolicy(grade: InstructionGrade, scopeLevel: GridLevel, o: PolicyOverrides = {}): ResolvedPolicy {
  if (!isInstructionGrade(grade)) throw new DomainError('BAD_USER_INPUT', `unknown grade ${String(grade)}; one of ${INSTRUCTION_GRADES.join(', ')}`);
  const base = GRADE_POLICY[grade];
  let levels: GridLevel[];
  if (o.levels && o.levels.length > 0) {
    const bad = o.levels.filter((l) => levelRank(l) <= levelRank(scopeLevel));
    if (bad.length) throw new DomainError('BAD_USER_INPUT', `levels must lie below the scope's level ${scopeLevel}: ${bad.join(', ')}`, { reason: 'LEVELS_NOT_BELOW', levels: bad });
    levels = GRID_LEVELS.filter((l) => o.levels!.includes(l));
  } else {
    levels = defaultLevels(grade, scopeLevel);
  }
  if (!levels.length) throw new DomainError('BAD_USER_INPUT', `a grade ${grade} instruction from a ${scopeLevel} reaches no level; give levels`);
  const ackMinutes = minutes(o.ackWithinMinutes, base.ackMinutes, 'ackWithin');
  const resultMinutes = minutes(o.resultWithinMinutes, Math.max(base.resultMinutes, ackMinutes), 'resultWithin');
  if (resultMinutes < ackMinutes) throw new DomainError('BAD_USER_INPUT', 'resultWithin must not be shorter than ackWithin');
  return { levels, ackMinutes, resultMinutes, mentionChiefs: o.mentionChiefs ?? base.mentionChiefs };
}
