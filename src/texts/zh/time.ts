import { DateTime } from 'luxon';

/**
 * Times and durations as grid workers write them, in the grids' time zone (`TZ_GRID`).
 * The one place that turns an instant into words: every deadline, clock time, day and
 * "N 小时/分钟" in a bot text comes from here.
 */

const at = (instant: Date, zone: string): DateTime => DateTime.fromJSDate(instant, { zone });

/** `14:00`. */
export const formatClock = (instant: Date, zone: string): string => at(instant, zone).toFormat('HH:mm');

/** `11月23日`. */
export const formatDay = (instant: Date, zone: string): string => at(instant, zone).toFormat('M月d日');

/** `2026年11月`. */
export const formatMonth = (instant: Date, zone: string): string => at(instant, zone).toFormat('yyyy年M月');

/**
 * A deadline: `11月23日 14:00`, or only `14:00` when it falls on the same calendar day (in
 * `zone`) as `sameDayAs` (say, "now", or the day a daily round is about).
 */
export function formatDeadline(deadline: Date, zone: string, sameDayAs?: Date): string {
  const t = at(deadline, zone);
  if (sameDayAs && t.hasSame(at(sameDayAs, zone), 'day')) return t.toFormat('HH:mm');
  return t.toFormat('M月d日 HH:mm');
}

/**
 * Whole hours or minutes from `from` to `to`, rounded up and never below 1: the smallest count
 * that covers the time left, so a text says "1 分钟" rather than "0 分钟" and never promises
 * less time than there is.
 */
export function wholeUnitsBetween(from: Date, to: Date, unit: 'hours' | 'minutes'): number {
  const span = DateTime.fromJSDate(to).diff(DateTime.fromJSDate(from), unit).as(unit);
  return Math.max(1, Math.ceil(span));
}
