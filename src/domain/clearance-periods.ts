import { DateTime } from 'luxon';
import { DomainError } from './errors.js';
import { GRID_LEVELS, type GridLevel } from './grid-levels.js';

/**
 * Clearance periods (日清、周清、月清, docs/domain-rules.md#clearance) and their schedule, as pure rules in the grids'
 * time zone. A period is identified by a key (`20261123`, `2026W48`, `202611`); its round runs
 * from the period's first midnight to the next period's, with a roll-call, a reminder and a
 * deadline on one day of it (every day, the configured weekday, the month's last working day).
 */
export const CLEARANCE_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type ClearancePeriod = (typeof CLEARANCE_PERIODS)[number];

export const isClearancePeriod = (value: string): value is ClearancePeriod => (CLEARANCE_PERIODS as readonly string[]).includes(value);

interface PeriodRule {
  /** 日清 / 周清 / 月清: the keyword grid workers type. */
  readonly label: string;
  /** 今日 / 本周 / 本月: how a reply names the current period. */
  readonly current: string;
  /** The letter that starts a round code (`D20261123`). */
  readonly letter: string;
  readonly keyPattern: RegExp;
  /** Luxon unit the period spans. */
  readonly unit: 'day' | 'week' | 'month';
}

export const PERIOD_RULES: Readonly<Record<ClearancePeriod, PeriodRule>> = {
  daily: { label: '日清', current: '今日', letter: 'D', keyPattern: /^\d{8}$/, unit: 'day' },
  weekly: { label: '周清', current: '本周', letter: 'W', keyPattern: /^\d{4}W\d{2}$/, unit: 'week' },
  monthly: { label: '月清', current: '本月', letter: 'M', keyPattern: /^\d{6}$/, unit: 'month' },
};

/** Minutes after local midnight (17:30 → 1050). */
export type TimeOfDay = number;

/** When rounds run: what the configuration sets (CLEARANCE_* variables). */
export interface ClearanceSchedule {
  /** Which periods have rounds at all. */
  readonly periods: readonly ClearancePeriod[];
  /** Grid levels asked to confirm (default micro-grids). */
  readonly levels: readonly GridLevel[];
  /** On the roll-call day: roll-call < reminder < deadline. */
  readonly rollCallAt: TimeOfDay;
  readonly remindAt: TimeOfDay;
  readonly deadlineAt: TimeOfDay;
  /** ISO weekday of the weekly roll-call (1 Monday … 7 Sunday); weeks start on Monday. */
  readonly weeklyDay: number;
  /** Public holidays (`yyyymmdd`) that are not working days. */
  readonly holidays: ReadonlySet<string>;
  /** Weekend days made working days (调休), `yyyymmdd`. */
  readonly workdays: ReadonlySet<string>;
}

export const DEFAULT_CLEARANCE_SCHEDULE: ClearanceSchedule = Object.freeze({
  periods: CLEARANCE_PERIODS,
  levels: ['micro_grid'] as GridLevel[],
  rollCallAt: 17 * 60 + 30,
  remindAt: 19 * 60 + 30,
  deadlineAt: 20 * 60,
  weeklyDay: 5,
  holidays: new Set<string>(),
  workdays: new Set<string>(),
});

/** `HH:MM` (24 h) → minutes after midnight, or null when malformed. */
export function parseTimeOfDay(text: string): TimeOfDay | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export const formatTimeOfDay = (t: TimeOfDay): string => `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;

/** A comma-separated list of levels, each checked against the level table. */
export function parseLevels(text: string): GridLevel[] {
  const levels = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = levels.filter((l) => !(GRID_LEVELS as readonly string[]).includes(l));
  if (!levels.length || bad.length) throw new DomainError('BAD_USER_INPUT', `levels must be among ${GRID_LEVELS.join(', ')}${bad.length ? `; got ${bad.join(', ')}` : ''}`);
  return levels as GridLevel[];
}

/** A comma-separated list of days (`YYYY-MM-DD` or `yyyymmdd`) → the set of their `yyyymmdd`. */
export function parseDayList(text: string): Set<string> {
  const days = text.split(',').map((d) => d.trim()).filter(Boolean);
  const bad = days.filter((d) => !/^\d{4}-?\d{2}-?\d{2}$/.test(d) || !DateTime.fromFormat(d.replace(/-/g, ''), 'yyyyMMdd').isValid);
  if (bad.length) throw new DomainError('BAD_USER_INPUT', `must be comma-separated days YYYY-MM-DD; bad: ${bad.join(', ')}`);
  return new Set(days.map((d) => d.replace(/-/g, '')));
}

/** Validates the order of the three times of the roll-call day. */
export function assertScheduleOrder(s: Pick<ClearanceSchedule, 'rollCallAt' | 'remindAt' | 'deadlineAt'>): void {
  if (!(s.rollCallAt < s.remindAt && s.remindAt < s.deadlineAt)) {
    throw new DomainError('BAD_USER_INPUT', `roll-call (${formatTimeOfDay(s.rollCallAt)}) must come before the reminder (${formatTimeOfDay(s.remindAt)}) and the reminder before the deadline (${formatTimeOfDay(s.deadlineAt)})`);
  }
}

/** The first instant of the period containing `at` in `zone`. */
function startOf(period: ClearancePeriod, at: DateTime): DateTime {
  // Luxon's week is the ISO week: it starts on Monday, as Chinese working weeks do.
  return at.startOf(PERIOD_RULES[period].unit);
}

function keyOf(period: ClearancePeriod, start: DateTime): string {
  switch (period) {
    case 'daily':
      return start.toFormat('yyyyMMdd');
    case 'weekly':
      return `${start.weekYear}W${String(start.weekNumber).padStart(2, '0')}`;
    case 'monthly':
      return start.toFormat('yyyyMM');
  }
}

function startOfKey(period: ClearancePeriod, key: string, zone: string): DateTime {
  let start: DateTime | null = null;
  if (PERIOD_RULES[period].keyPattern.test(key)) {
    switch (period) {
      case 'daily':
        start = DateTime.fromFormat(key, 'yyyyMMdd', { zone });
        break;
      case 'weekly': {
        const [year, week] = key.split('W').map(Number);
        start = DateTime.fromObject({ weekYear: year!, weekNumber: week!, weekday: 1 }, { zone });
        if (start.isValid && keyOf('weekly', start) !== key) start = null; // week 53 of a 52-week year
        break;
      }
      case 'monthly':
        start = DateTime.fromFormat(key, 'yyyyMM', { zone });
        break;
    }
  }
  if (!start || !start.isValid) throw new DomainError('BAD_USER_INPUT', `bad ${period} period key ${key}`);
  return start;
}

/** One period: its key, its half-open span [start, end) and its first day as `YYYY-MM-DD`. */
export interface PeriodWindow {
  readonly period: ClearancePeriod;
  readonly key: string;
  /** The round's code, also the outbox `ref` of its messages: `D20261123`, `W2026W48`, `M202611`. */
  readonly code: string;
  readonly start: Date;
  readonly end: Date;
  readonly firstDay: string;
}

function windowFrom(period: ClearancePeriod, start: DateTime): PeriodWindow {
  const key = keyOf(period, start);
  return {
    period,
    key,
    code: `${PERIOD_RULES[period].letter}${key}`,
    start: start.toJSDate(),
    end: start.plus({ [`${PERIOD_RULES[period].unit}s`]: 1 }).startOf('day').toJSDate(),
    firstDay: start.toFormat('yyyy-MM-dd'),
  };
}

/** The period of kind `period` that contains `instant`, in `zone`. */
export function periodAt(period: ClearancePeriod, instant: Date, zone: string): PeriodWindow {
  return windowFrom(period, startOf(period, DateTime.fromJSDate(instant, { zone })));
}

/** The period with this key. */
export function periodOfKey(period: ClearancePeriod, key: string, zone: string): PeriodWindow {
  return windowFrom(period, startOfKey(period, key, zone));
}

/** The period containing a calendar day given as `YYYY-MM-DD` or `yyyymmdd`. */
export function periodOfDate(period: ClearancePeriod, date: string, zone: string): PeriodWindow {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone }) : /^\d{8}$/.test(date) ? DateTime.fromFormat(date, 'yyyyMMdd', { zone }) : null;
  if (!day || !day.isValid) throw new DomainError('BAD_USER_INPUT', `bad date ${date}, expected YYYY-MM-DD`);
  return windowFrom(period, startOf(period, day));
}

/** The period right after `w`. */
export const nextPeriod = (w: PeriodWindow, zone: string): PeriodWindow => periodAt(w.period, w.end, zone);

/** A working day: Monday to Friday unless a holiday, or a weekend day made a working day. */
export function isWorkingDay(day: DateTime, s: Pick<ClearanceSchedule, 'holidays' | 'workdays'>): boolean {
  const key = day.toFormat('yyyyMMdd');
  if (s.workdays.has(key)) return true;
  return day.weekday <= 5 && !s.holidays.has(key);
}

/** The last working day of the month containing `day` (the monthly roll-call day). */
export function lastWorkingDay(day: DateTime, s: Pick<ClearanceSchedule, 'holidays' | 'workdays'>): DateTime {
  const first = day.startOf('month');
  for (let d = day.endOf('month').startOf('day'); d >= first; d = d.minus({ days: 1 })) {
    if (isWorkingDay(d, s)) return d;
  }
  return day.endOf('month').startOf('day'); // a month without working days: its last day
}

/** The instants of one round: the period, and roll-call, reminder and deadline on its roll-call day. */
export interface RoundTimes extends PeriodWindow {
  readonly rollCallAt: Date;
  readonly remindAt: Date;
  readonly deadlineAt: Date;
}

/** Roll-call, reminder and deadline of the period `w` under schedule `s`. */
export function roundTimes(w: PeriodWindow, s: ClearanceSchedule, zone: string): RoundTimes {
  const start = DateTime.fromJSDate(w.start, { zone });
  const day = w.period === 'daily' ? start : w.period === 'weekly' ? start.plus({ days: s.weeklyDay - 1 }) : lastWorkingDay(start, s);
  const at = (t: TimeOfDay) => day.set({ hour: Math.floor(t / 60), minute: t % 60, second: 0, millisecond: 0 }).toJSDate();
  return { ...w, rollCallAt: at(s.rollCallAt), remindAt: at(s.remindAt), deadlineAt: at(s.deadlineAt) };
}

/** An answer after the deadline still counts, marked late; one at the deadline is on time. */
export const isLate = (answeredAt: Date, deadlineAt: Date): boolean => answeredAt.getTime() > deadlineAt.getTime();

/** What a round has already done (set once, by whichever instance did it). */
export interface RoundProgressState {
  readonly rollCallSent: boolean;
  readonly reminded: boolean;
  readonly closed: boolean;
}

export type RoundAction = 'rollcall' | 'remind' | 'close';

/**
 * The actions due for a round at `now`. The roll-call and the reminder only make sense before
 * the deadline (a hub that was down at 17:30 and is back at 19:00 still posts the roll-call; one
 * back at 21:00 does not); closing (marking the silent missed) is due from the deadline on.
 */
export function dueActions(t: Pick<RoundTimes, 'rollCallAt' | 'remindAt' | 'deadlineAt'>, state: RoundProgressState, now: Date): RoundAction[] {
  const ms = now.getTime();
  const beforeDeadline = ms < t.deadlineAt.getTime();
  const due: RoundAction[] = [];
  if (!state.rollCallSent && beforeDeadline && ms >= t.rollCallAt.getTime()) due.push('rollcall');
  if (!state.reminded && beforeDeadline && ms >= t.remindAt.getTime()) due.push('remind');
  if (!state.closed && !beforeDeadline) due.push('close');
  return due;
}

/**
 * The periods to open at `now`: the current one, and every one since the latest round already
 * opened (`latestKey`) that was never opened because no instance was running (catch-up), at most
 * `max` of them, oldest first. On a fresh database only the current period.
 */
export function periodsToOpen(period: ClearancePeriod, latestKey: string | null, now: Date, zone: string, max = 31): PeriodWindow[] {
  const current = periodAt(period, now, zone);
  if (latestKey === null || latestKey >= current.key) return latestKey === current.key ? [] : [current];
  // Start at the oldest period still within `max`, so a long outage costs `max` steps at most.
  const unit = `${PERIOD_RULES[period].unit}s`;
  const earliest = periodAt(period, DateTime.fromJSDate(current.start, { zone }).minus({ [unit]: max - 1 }).toJSDate(), zone);
  const afterLatest = nextPeriod(periodOfKey(period, latestKey, zone), zone);
  const out: PeriodWindow[] = [];
  for (let w = afterLatest.key > earliest.key ? afterLatest : earliest; w.start.getTime() <= current.start.getTime(); w = nextPeriod(w, zone)) out.push(w);
  return out;
}
