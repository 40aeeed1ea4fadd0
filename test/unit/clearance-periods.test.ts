import { DateTime } from 'luxon';
import {
  DEFAULT_CLEARANCE_SCHEDULE as S,
  assertScheduleOrder,
  dueActions,
  isLate,
  lastWorkingDay,
  parseLevels,
  parseTimeOfDay,
  periodAt,
  periodOfDate,
  periodOfKey,
  periodsToOpen,
  roundTimes,
  type ClearancePeriod,
  type ClearanceSchedule,
} from '../../src/domain/clearance-periods.js';
import { clearanceRecord, type RoundOutcome } from '../../src/domain/clearance-record.js';
import { clearanceReminderText as reminderText, confirmationText, missedListText, rollCallText } from '../../src/texts/zh/index.js';

const SH = 'Asia/Shanghai';

describe('period keys in the grid time zone', () => {
  const cases: Array<[ClearancePeriod, string, string, string, string, string]> = [
    // period, instant, key, code, start (UTC), end (UTC)
    ['daily', '2026-11-22T16:30:00Z', '20261123', 'D20261123', '2026-11-22T16:00:00.000Z', '2026-11-23T16:00:00.000Z'],
    ['daily', '2026-11-22T15:59:59.999Z', '20261122', 'D20261122', '2026-11-21T16:00:00.000Z', '2026-11-22T16:00:00.000Z'],
    // Weeks start on Monday: Sunday 22 November belongs to week 47, Monday 23 to week 48.
    ['weekly', '2026-11-22T12:00:00Z', '2026W47', 'W2026W47', '2026-11-15T16:00:00.000Z', '2026-11-22T16:00:00.000Z'],
    ['weekly', '2026-11-22T16:00:00Z', '2026W48', 'W2026W48', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z'],
    // 1 January 2027 (a Friday) is still in ISO week 53 of 2026.
    ['weekly', '2027-01-01T04:00:00Z', '2026W53', 'W2026W53', '2026-12-27T16:00:00.000Z', '2027-01-03T16:00:00.000Z'],
    ['monthly', '2026-11-30T16:30:00Z', '202612', 'M202612', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['monthly', '2026-02-10T00:00:00Z', '202602', 'M202602', '2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z'],
  ];
  it.each(cases)('%s at %s is %s', (period, instant, key, code, start, end) => {
    const w = periodAt(period, new Date(instant), SH);
    expect(w).toMatchObject({ period, key, code });
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([start, end]);
    expect(periodOfKey(period, key, SH)).toEqual(w);
    expect(periodOfDate(period, DateTime.fromJSDate(new Date(instant), { zone: SH }).toFormat('yyyy-MM-dd'), SH)).toEqual(w);
  });

  it('names a period by its first day, and a date of either form finds it', () => {
    expect(periodOfDate('weekly', '2026-11-26', SH).firstDay).toBe('2026-11-23');
    expect(periodOfDate('monthly', '20261126', SH).firstDay).toBe('2026-11-01');
  });

  it.each([
    ['daily', '20261131'],
    ['daily', '2026-11-23'],
    ['weekly', '2021W53'], // 2021 had 52 ISO weeks
    ['weekly', '2026W00'],
    ['monthly', '202613'],
  ] as Array<[ClearancePeriod, string]>)('refuses the %s key %s', (period, key) => {
    expect(() => periodOfKey(period, key, SH)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('refuses a malformed date', () => {
    for (const d of ['2026/11/23', '2026-02-30', 'today']) expect(() => periodOfDate('daily', d, SH)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('the monthly roll-call falls on the last working day', () => {
  const cases: Array<[string, string, string[], string[]]> = [
    // month, expected day, holidays, working weekend days (调休)
    ['2026-05', '2026-05-29', [], []], // 31 May is a Sunday
    ['2026-10', '2026-10-30', [], []], // 31 October is a Saturday
    ['2026-12', '2026-12-31', [], []], // a Thursday
    ['2026-12', '2026-12-30', ['20261231'], []], // a holiday on the last day
    ['2026-02', '2026-02-28', [], ['20260228']], // a Saturday made a working day
  ];
  it.each(cases)('%s → %s', (month, expected, holidays, workdays) => {
    const day = lastWorkingDay(DateTime.fromISO(`${month}-01`, { zone: SH }), { holidays: new Set(holidays), workdays: new Set(workdays) });
    expect(day.toFormat('yyyy-MM-dd')).toBe(expected);
  });
});

describe('roll-call, reminder and deadline of a round', () => {
  const cases: Array<[ClearancePeriod, string, string, string, string, string]> = [
    // period, key, zone, roll-call, reminder, deadline (UTC)
    ['daily', '20261123', SH, '2026-11-23T09:30:00.000Z', '2026-11-23T11:30:00.000Z', '2026-11-23T12:00:00.000Z'],
    ['weekly', '2026W48', SH, '2026-11-27T09:30:00.000Z', '2026-11-27T11:30:00.000Z', '2026-11-27T12:00:00.000Z'], // Friday
    ['monthly', '202610', SH, '2026-10-30T09:30:00.000Z', '2026-10-30T11:30:00.000Z', '2026-10-30T12:00:00.000Z'],
    // Daylight saving starts that night in New York: 20:00 EDT is 00:00 UTC.
    ['daily', '20260308', 'America/New_York', '2026-03-08T21:30:00.000Z', '2026-03-08T23:30:00.000Z', '2026-03-09T00:00:00.000Z'],
  ];
  it.each(cases)('%s %s in %s', (period, key, zone, rollCall, remind, deadline) => {
    const t = roundTimes(periodOfKey(period, key, zone), S, zone);
    expect([t.rollCallAt.toISOString(), t.remindAt.toISOString(), t.deadlineAt.toISOString()]).toEqual([rollCall, remind, deadline]);
  });

  it('a configured weekday moves the weekly round', () => {
    const monday: ClearanceSchedule = { ...S, weeklyDay: 1, deadlineAt: 9 * 60, remindAt: 8 * 60, rollCallAt: 7 * 60 };
    expect(roundTimes(periodOfKey('weekly', '2026W48', SH), monday, SH).deadlineAt.toISOString()).toBe('2026-11-23T01:00:00.000Z');
  });
});

describe('lateness and due actions', () => {
  const t = roundTimes(periodOfKey('daily', '20261123', SH), S, SH);
  const at = (iso: string) => new Date(iso);

  it('an answer at the deadline is on time, one a millisecond later is late', () => {
    expect(isLate(t.deadlineAt, t.deadlineAt)).toBe(false);
    expect(isLate(new Date(t.deadlineAt.getTime() + 1), t.deadlineAt)).toBe(true);
    expect(isLate(at('2026-11-22T16:00:00Z'), t.deadlineAt)).toBe(false);
  });

  const none = { rollCallSent: false, reminded: false, closed: false };
  const cases: Array<[string, string, typeof none, string[]]> = [
    ['morning', '2026-11-23T01:00:00Z', none, []],
    ['at the roll-call', '2026-11-23T09:30:00Z', none, ['rollcall']],
    ['reminder time, roll-call missed while down', '2026-11-23T11:31:00Z', none, ['rollcall', 'remind']],
    ['reminder time, roll-call sent', '2026-11-23T11:30:00Z', { ...none, rollCallSent: true }, ['remind']],
    ['at the deadline, nothing sent', '2026-11-23T12:00:00Z', none, ['close']],
    ['after the deadline, reminded', '2026-11-23T13:00:00Z', { rollCallSent: true, reminded: true, closed: false }, ['close']],
    ['all done', '2026-11-23T13:00:00Z', { rollCallSent: true, reminded: true, closed: true }, []],
  ];
  it.each(cases)('%s', (_name, now, state, due) => {
    expect(dueActions(t, state, at(now))).toEqual(due);
  });
});

describe('catch-up: which periods to open', () => {
  const now = new Date('2026-11-23T02:00:00Z'); // 10:00 on 23 November in Shanghai
  it.each([
    ['a fresh database opens the current period', 'daily', null, ['20261123']],
    ['nothing when the current period is open', 'daily', '20261123', []],
    ['every day missed while down, oldest first', 'daily', '20261120', ['20261121', '20261122', '20261123']],
    ['a missed week', 'weekly', '2026W46', ['2026W47', '2026W48']],
    ['a missed month', 'monthly', '202609', ['202610', '202611']],
  ] as Array<[string, ClearancePeriod, string | null, string[]]>)('%s', (_name, period, latest, keys) => {
    expect(periodsToOpen(period, latest, now, SH).map((w) => w.key)).toEqual(keys);
  });

  it('bounds a long outage to the most recent periods', () => {
    expect(periodsToOpen('daily', '20260101', now, SH, 3).map((w) => w.key)).toEqual(['20261121', '20261122', '20261123']);
  });
});

describe('configuration values', () => {
  it.each([
    ['17:30', 1050],
    ['7:05', 425],
    ['00:00', 0],
    ['24:00', null],
    ['17:60', null],
    ['5pm', null],
  ] as Array<[string, number | null]>)('time %s', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it('levels come from the level table', () => {
    expect(parseLevels('micro_grid, grid')).toEqual(['micro_grid', 'grid']);
    expect(() => parseLevels('micro_grid,street_corner')).toThrow(/street_corner/);
  });

  it('the roll-call comes before the reminder and the reminder before the deadline', () => {
    expect(() => assertScheduleOrder({ rollCallAt: 1050, remindAt: 1200, deadlineAt: 1200 })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => assertScheduleOrder(S)).not.toThrow();
  });
});

describe('the record of a grid (考核)', () => {
  const o = (status: RoundOutcome['status'], late = false, extra: Partial<RoundOutcome> = {}): RoundOutcome => ({ status, late, zeroReport: false, flagged: false, deadlinePassed: true, ...extra });
  it.each([
    ['nothing judged', [], { rounds: 0, onTimeRate: null, streak: 0, longestStreak: 0 }],
    ['all on time', [o('confirmed'), o('confirmed'), o('confirmed')], { rounds: 3, onTime: 3, onTimeRate: 1, streak: 3, longestStreak: 3 }],
    ['a late answer breaks the streak', [o('confirmed'), o('confirmed'), o('confirmed', true), o('confirmed')], { onTime: 3, late: 1, streak: 1, longestStreak: 2, onTimeRate: 0.75 }],
    ['a miss breaks it too', [o('confirmed'), o('missed'), o('confirmed'), o('confirmed')], { missed: 1, streak: 2, longestStreak: 2 }],
    ['an open round not yet answered is not judged', [o('confirmed'), o('pending', false, { deadlinePassed: false })], { rounds: 1, streak: 1 }],
    ['an open round already answered counts', [o('confirmed'), o('confirmed', false, { deadlinePassed: false, zeroReport: true })], { rounds: 2, streak: 2, zeroReports: 1 }],
    ['a pending slot past its deadline counts as missed', [o('pending')], { rounds: 1, missed: 1, onTimeRate: 0 }],
    ['flagged zero reports are counted', [o('confirmed', false, { zeroReport: true, flagged: true })], { zeroReports: 1, flagged: 1 }],
  ] as Array<[string, RoundOutcome[], Record<string, unknown>]>)('%s', (_name, outcomes, expected) => {
    expect(clearanceRecord(outcomes)).toMatchObject(expected);
  });
});

describe('what the bot says', () => {
  const t = roundTimes(periodOfKey('daily', '20261123', SH), S, SH);
  const week = roundTimes(periodOfKey('weekly', '2026W48', SH), S, SH);
  const grid = { code: 'XHG-B03-C07-M12', name: '桂花堰一组微网格' };

  it('a roll-call carries the grid’s own summary and how to answer', () => {
    expect(rollCallText(t, grid, { reported: 3, handled: 2, open: 4, overdueCodes: ['E20261120-0004'] }, SH)).toBe(
      '【日清点名】11月23日 XHG-B03-C07-M12 桂花堰一组微网格\n今日上报 3 件，已处置 2 件，未办结 4 件，逾期 1 件：E20261120-0004\n请于 20:00 前回复 #日清 情况说明；无事项回复 #零报告',
    );
    expect(rollCallText(week, grid, { reported: 0, handled: 0, open: 0, overdueCodes: [] }, SH)).toContain('请于 11月27日 20:00 前回复 #周清 情况说明；无事项回复 #周清 零报告');
  });

  it('a reminder and the missed list name the grids', () => {
    expect(reminderText(t, grid, SH)).toBe('XHG-B03-C07-M12 今日日清尚未确认，请于 20:00 前回复 #日清 情况说明；无事项回复 #零报告');
    expect(missedListText(t, { code: 'XHG-B03-C07' }, ['XHG-B03-C07-M12', 'XHG-B03-C07-M13'], SH)).toBe(
      '【日清未确认】11月23日（20:00 截止）XHG-B03-C07 下 2 个网格未确认：XHG-B03-C07-M12、XHG-B03-C07-M13。已记为未按时确认，请督促补报。',
    );
  });

  it.each([
    ['a zero report', { zeroReport: true }, 'XHG-B03-C07-M12 今日日清已确认（零报告）'],
    ['a late answer', { late: true }, 'XHG-B03-C07-M12 今日日清已确认（已过 20:00 截止，记为迟报）'],
    ['a flagged zero report', { zeroReport: true, flaggedCodes: ['E20261120-0004'] }, 'XHG-B03-C07-M12 今日日清已确认（零报告）\n注意：本网格仍有逾期未办结事件 E20261120-0004，零报告已标记待核，请尽快处置'],
    ['a repeat', { alreadyConfirmedAt: new Date('2026-11-23T01:12:00Z') }, 'XHG-B03-C07-M12 今日日清已于 09:12 确认，无需重复'],
  ] as Array<[string, Record<string, unknown>, string]>)('the reply to %s', (_name, extra, text) => {
    expect(confirmationText({ period: 'daily', gridCode: grid.code, zeroReport: false, late: false, flaggedCodes: [], alreadyConfirmedAt: null, deadlineAt: t.deadlineAt, ...extra }, SH)).toBe(text);
  });
});
