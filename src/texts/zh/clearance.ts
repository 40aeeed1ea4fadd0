import { PERIOD_RULES, type ClearancePeriod, type RoundTimes } from '../../domain/clearance-periods.js';
import type { ConfirmationOutcome, GridPeriodSummary } from '../../domain/clearance-record.js';
import { formatClock, formatDay, formatDeadline, formatMonth } from './time.js';

/** What the bot says about clearance, in short plain Chinese: what happened and what is next. */

/** At most `max` codes, then "等 N 件/个". */
export function listCodes(codes: readonly string[], max: number, unit: string): string {
  return codes.length <= max ? codes.join('、') : `${codes.slice(0, max).join('、')} 等 ${codes.length} ${unit}`;
}

/** 11月23日 / 11月23日—11月29日 / 2026年11月: how a round names its period. */
export function periodName(r: Pick<RoundTimes, 'period' | 'start' | 'end'>, zone: string): string {
  switch (r.period) {
    case 'daily':
      return formatDay(r.start, zone);
    case 'weekly':
      // `end` is exclusive: the week's last day is the day before it.
      return `${formatDay(r.start, zone)}—${formatDay(new Date(r.end.getTime() - 1), zone)}`;
    case 'monthly':
      return formatMonth(r.start, zone);
  }
}

/** A round's deadline: a daily round is about its own day, so `20:00`; otherwise `11月27日 20:00`. */
export function roundDeadlineText(r: Pick<RoundTimes, 'period' | 'deadlineAt'>, zone: string): string {
  return formatDeadline(r.deadlineAt, zone, r.period === 'daily' ? r.deadlineAt : undefined);
}

/** How to answer a round of this period. */
export function howToAnswer(period: ClearancePeriod): string {
  const kw = PERIOD_RULES[period].label;
  return `回复 #${kw} 情况说明；无事项回复 ${period === 'daily' ? '#零报告' : `#${kw} 零报告`}`;
}

/** The roll-call posted to a grid's group. */
export function rollCallText(r: RoundTimes, grid: { code: string; name: string }, s: GridPeriodSummary, zone: string): string {
  const rule = PERIOD_RULES[r.period];
  const overdue = s.overdueCodes.length ? `，逾期 ${s.overdueCodes.length} 件：${listCodes(s.overdueCodes, 5, '件')}` : '，无逾期';
  return [
    `【${rule.label}点名】${periodName(r, zone)} ${grid.code} ${grid.name}`,
    `${rule.current}上报 ${s.reported} 件，已处置 ${s.handled} 件，未办结 ${s.open} 件${overdue}`,
    `请于 ${roundDeadlineText(r, zone)} 前${howToAnswer(r.period)}`,
  ].join('\n');
}

/** The reminder to a silent grid before the deadline (its chiefs are @-mentioned). */
export function clearanceReminderText(r: RoundTimes, grid: { code: string }, zone: string): string {
  const rule = PERIOD_RULES[r.period];
  return `${grid.code} ${rule.current}${rule.label}尚未确认，请于 ${roundDeadlineText(r, zone)} 前${howToAnswer(r.period)}`;
}

/** The list of silent grids sent to their parent grid's chief at the deadline. */
export function missedListText(r: RoundTimes, parent: { code: string }, codes: readonly string[], zone: string): string {
  const rule = PERIOD_RULES[r.period];
  return `【${rule.label}未确认】${periodName(r, zone)}（${roundDeadlineText(r, zone)} 截止）${parent.code} 下 ${codes.length} 个网格未确认：${listCodes(codes, 30, '个')}。已记为未按时确认，请督促补报。`;
}

/** `XHG-B03-C07-M12 今日日清已确认（零报告）` and what to do next, if anything. */
export function confirmationText(o: ConfirmationOutcome, zone: string): string {
  const rule = PERIOD_RULES[o.period];
  const head = `${o.gridCode} ${rule.current}${rule.label}`;
  if (o.alreadyConfirmedAt) return `${head}已于 ${formatClock(o.alreadyConfirmedAt, zone)} 确认，无需重复`;
  const tags = [o.zeroReport ? '零报告' : null, o.late ? `已过 ${roundDeadlineText(o, zone)} 截止，记为迟报` : null].filter(Boolean);
  const text = `${head}已确认${tags.length ? `（${tags.join('，')}）` : ''}`;
  if (!o.flaggedCodes.length) return text;
  return `${text}\n注意：本网格仍有逾期未办结事件 ${listCodes(o.flaggedCodes, 5, '件')}，零报告已标记待核，请尽快处置`;
}
