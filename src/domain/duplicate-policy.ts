import { OPEN_STATES } from './incident-transitions.js';

/**
 * When a new report looks like an open incident (a possible duplicate, 疑似重复), as data. The
 * report is still stored and numbered; it is only linked, and the centre merges or splits.
 */
export const DUPLICATE_POLICY = Object.freeze({
  /** `pg_trgm` similarity of the descriptions (0–1) at or above which two reports look alike. */
  similarity: 0.3,
  /** Only incidents reported this many hours before the new one are compared. */
  windowHours: 72,
  /** Which incidents may be the original: still open (nobody resolved them yet). */
  states: OPEN_STATES,
  /**
   * Neighbouring grids: the same grid, or a grid with the same parent (a sibling micro-grid:
   * one drain on a border is reported from both sides).
   */
  neighbours: 'siblings' as const,
});
