import { DateTime } from 'luxon';

/**
 * How a period [from, to) splits for the rollups (issue 15): the whole calendar days inside it
 * (grid time zone), read from the per-day rollups, and at most two partial-day edges, counted
 * straight from the incidents. Pure: the answer depends only on (from, to, zone).
 */
export interface PeriodSplit {
  /** First whole day (`yyyy-mm-dd`), inclusive, and the day after the last, exclusive; equal when none. */
  readonly firstDay: string;
  readonly endDay: string;
  /** The instants the whole days cover; equal when there are none. */
  readonly wholeFrom: Date;
  readonly wholeTo: Date;
  /** The partial-day edges, half-open instants. */
  readonly edges: ReadonlyArray<readonly [Date, Date]>;
}

const iso = (d: DateTime): string => d.toFormat('yyyy-MM-dd');

export function splitPeriod(from: Date, to: Date, timeZone: string): PeriodSplit {
  const f = DateTime.fromJSDate(from, { zone: timeZone });
  const t = DateTime.fromJSDate(to, { zone: timeZone });
  const fDay = f.startOf('day');
  const first = fDay.toMillis() === f.toMillis() ? fDay : fDay.plus({ days: 1 }).startOf('day');
  const end = t.startOf('day');
  if (first.toMillis() >= end.toMillis()) return { firstDay: iso(first), endDay: iso(first), wholeFrom: from, wholeTo: from, edges: [[from, to]] };
  const edges: Array<readonly [Date, Date]> = [];
  if (first.toMillis() > from.getTime()) edges.push([from, first.toJSDate()]);
  if (end.toMillis() < to.getTime()) edges.push([end.toJSDate(), to]);
  return { firstDay: iso(first), endDay: iso(end), wholeFrom: first.toJSDate(), wholeTo: end.toJSDate(), edges };
}

/** Today (`yyyy-mm-dd`) in the zone and the instant it began: open incidents due before it are overdue. */
export function today(now: Date, timeZone: string): { day: string; start: Date } {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  return { day: iso(start), start: start.toJSDate() };
}

/** One bucket of the hours-to-close histogram: its lower bound, how many, and their exact sum. */
export interface CloseBucket {
  readonly hours: number;
  readonly closed: number;
  readonly hoursSum: number;
}

/**
 * The median hours to close from the histogram: the middle position(s) (as percentile_cont
 * takes them) each valued at the mean of the bucket holding it. Exact when a bucket's durations
 * are equal; otherwise within the bucket (an hour below 48 h, a day above). Null when none closed.
 */
export function medianHours(buckets: readonly CloseBucket[]): number | null {
  const sorted = [...buckets].filter((b) => b.closed > 0).sort((a, b) => a.hours - b.hours);
  const n = sorted.reduce((s, b) => s + b.closed, 0);
  if (n === 0) return null;
  const at = (pos: number): number => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.closed;
      if (pos < seen) return b.hoursSum / b.closed;
    }
    const last = sorted[sorted.length - 1]!;
    return last.hoursSum / last.closed;
  };
  const mid = (n - 1) / 2;
  return (at(Math.floor(mid)) + at(Math.ceil(mid))) / 2;
}

/** The rates a league (考核) ranks child grids by, and each one's weight in the score. */
export const LEAGUE_WEIGHTS = {
  disposalRate: 0.25,
  onTimeRate: 0.25,
  satisfactionRate: 0.25,
  clearanceOnTimeRate: 0.25,
} as const;

export type LeagueRates = { readonly [K in keyof typeof LEAGUE_WEIGHTS]: number | null };

/**
 * Each entry's score (the weighted mean of its rates that are known, or null when none is) and
 * its rank: higher score first, equal scores share a rank (1, 2, 2, 4), unscored entries last
 * sharing the rank after the scored ones. Ties keep the input order.
 */
export function rankLeague<T extends LeagueRates>(entries: readonly T[]): Array<T & { score: number | null; rank: number }> {
  const scored = entries.map((e) => {
    let weight = 0;
    let sum = 0;
    for (const [k, w] of Object.entries(LEAGUE_WEIGHTS) as Array<[keyof typeof LEAGUE_WEIGHTS, number]>) {
      const v = e[k];
      if (v !== null) {
        weight += w;
        sum += w * v;
      }
    }
    return { ...e, score: weight === 0 ? null : sum / weight };
  });
  const order = scored.map((e, i) => ({ e, i })).sort((a, b) => (b.e.score ?? -1) - (a.e.score ?? -1) || a.i - b.i);
  const out: Array<T & { score: number | null; rank: number }> = [];
  order.forEach(({ e }, pos) => {
    const prev = out[pos - 1];
    const rank = prev && prev.score === e.score ? prev.rank : pos + 1;
    out.push({ ...e, rank });
  });
  return out;
}
