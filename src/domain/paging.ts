import { DomainError } from './errors.js';

/** Page sizes every list offers: a service names its own ceiling, the check is the same. */
export const PAGE_LIMITS = Object.freeze({
  /** Incidents and outbound messages: rows with text. */
  rows: 200,
  /** Grids, clearance slots and instruction receipts: small rows, bigger pages. */
  smallRows: 500,
  /** Clearance rounds in a grid's record: a year of daily rounds. */
  history: 366,
});

/**
 * Refuses a page size (`first`, `last`) that is not a whole number from 1 to `max`, with
 * `BAD_USER_INPUT`; returns it otherwise.
 */
export function pageSize(value: number, max: number, name = 'first'): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new DomainError('BAD_USER_INPUT', `${name} must be between 1 and ${max}`, { reason: 'OUT_OF_RANGE', field: name, value });
  return value;
}
