import type { RiskColour } from './grid-levels.js';

/** The counts a micro-grid's suggested risk colour is computed from. */
export interface RiskCounts {
  /** Open disputes coloured red. */
  readonly openRedDisputes: number;
  /** Open incidents past their deadline. */
  readonly overdue: number;
  /** Open incidents reported urgent. */
  readonly openUrgent: number;
}

/** A colour applies when any count reaches its threshold (a missing count never triggers it). */
export type RiskThresholds = Readonly<Record<Exclude<RiskColour, 'green'>, Partial<RiskCounts>>>;

/**
 * Defaults: one red dispute is already 重点治理 (red), as are three overdue or three urgent open
 * matters; a single overdue or urgent matter calls for 一般防范 (yellow); otherwise 日常管理 (green).
 * It is a suggestion shown beside the colour people set, never written over it.
 */
export const DEFAULT_RISK_THRESHOLDS: RiskThresholds = Object.freeze({
  red: Object.freeze({ openRedDisputes: 1, overdue: 3, openUrgent: 3 }),
  yellow: Object.freeze({ overdue: 1, openUrgent: 1 }),
});

const KEYS: readonly (keyof RiskCounts)[] = ['openRedDisputes', 'overdue', 'openUrgent'];

function reaches(counts: RiskCounts, thresholds: Partial<RiskCounts>): boolean {
  return KEYS.some((key) => {
    const limit = thresholds[key];
    return limit !== undefined && counts[key] >= limit;
  });
}

/** The suggested colour: red is checked before yellow, green when neither is reached. */
export function suggestRiskColour(counts: RiskCounts, thresholds: RiskThresholds = DEFAULT_RISK_THRESHOLDS): RiskColour {
  if (reaches(counts, thresholds.red)) return 'red';
  if (reaches(counts, thresholds.yellow)) return 'yellow';
  return 'green';
}
