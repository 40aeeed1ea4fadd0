import { DateTime } from 'luxon';

/** Whole hours from `from` to `to`, at least 1 (for "限 24 小时内处置"). */
export const hoursBetween = (from: Date, to: Date): number => Math.max(1, Math.round((to.getTime() - from.getTime()) / 3_600_000));

/** A deadline as grid workers write it, in the grids' time zone: `11月23日 14:00`. */
export const formatDeadline = (at: Date, timeZone: string): string => DateTime.fromJSDate(at, { zone: timeZone }).toFormat('M月d日 HH:mm');
