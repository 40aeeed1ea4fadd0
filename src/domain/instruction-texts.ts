import { DateTime } from 'luxon';
import { GRADE_LABELS, type InstructionGrade } from './instruction-grades.js';

/**
 * What the bot says about instructions, in the short plain Chinese a good grid worker writes:
 * the code, what happened, what is next. Pure: times arrive as instants and a time zone.
 */
export interface InstructionHead {
  readonly code: string;
  readonly grade: InstructionGrade;
  readonly title: string;
  readonly body: string | null;
  readonly ackDeadline: Date;
  readonly resultDeadline: Date;
}

/** `10:15`, or `11月23日 10:15` when not on the day of `now`. */
export function clockText(at: Date, now: Date, timeZone: string): string {
  const t = DateTime.fromJSDate(at, { zone: timeZone });
  const sameDay = t.toFormat('yyyyMMdd') === DateTime.fromJSDate(now, { zone: timeZone }).toFormat('yyyyMMdd');
  return sameDay ? t.toFormat('HH:mm') : t.toFormat('M月d日 HH:mm');
}

/** Minutes left, rounded up, never below 1 (so "请在 1 分钟内" rather than "0 分钟"). */
export const minutesLeft = (deadline: Date, now: Date): number => Math.max(1, Math.ceil((deadline.getTime() - now.getTime()) / 60_000));

/** The message each receiving group gets: grade, code, title, body, that grid's own items, deadlines. */
export function issuedText(h: InstructionHead, items: readonly string[], now: Date, timeZone: string): string {
  const lines = [`【${GRADE_LABELS[h.grade]}指令】${h.code} ${h.title}`];
  if (h.body) lines.push(h.body);
  if (items.length) {
    lines.push(`本网格任务（${items.length}项）：`);
    items.forEach((item, i) => lines.push(`${i + 1}. ${item}`));
  }
  lines.push(`请于 ${clockText(h.ackDeadline, now, timeZone)} 前回复"收到"，${clockText(h.resultDeadline, now, timeZone)} 前发"#反馈 ${h.code} 结果"。`);
  return lines.join('\n');
}

/** The answer to whoever issued it. */
export const issueReplyText = (h: InstructionHead, targets: number, now: Date, timeZone: string): string =>
  `已下达 ${h.code}（${GRADE_LABELS[h.grade]}）到 ${targets} 个网格，${clockText(h.ackDeadline, now, timeZone)} 前签收，${clockText(h.resultDeadline, now, timeZone)} 前反馈`;

export interface AnswerState {
  readonly code: string;
  readonly resultDeadline: Date;
  /** This answer was the grid's first of its kind (it counted). */
  readonly first: boolean;
  readonly reported: boolean;
}

export function ackReplyText(a: AnswerState, now: Date): string {
  if (a.reported) return `${a.code} 本网格已反馈结果，无需再签收`;
  const next = now.getTime() > a.resultDeadline.getTime() ? '反馈已逾期，请尽快发"#反馈 编号 结果"' : `请在 ${minutesLeft(a.resultDeadline, now)} 分钟内反馈结果`;
  return a.first ? `已收到 ${a.code}，${next}` : `${a.code} 本网格已签收过，${next}`;
}

export const resultReplyText = (a: AnswerState): string =>
  a.first ? `已收到 ${a.code} 的反馈，本网格已完成` : `${a.code} 本网格已反馈过，本次内容已补充记录`;

export function reminderText(code: string, title: string, duty: 'ack' | 'result', deadline: Date, now: Date, timeZone: string): string {
  const by = clockText(deadline, now, timeZone);
  return duty === 'ack'
    ? `⏰ ${code} ${title} 尚未签收，请于 ${by} 前回复"收到"`
    : `⏰ ${code} ${title} 尚未反馈结果，请于 ${by} 前发"#反馈 ${code} 结果"`;
}

/** How many names a list message carries before "等 N 个". */
export const LIST_LIMIT = 30;

export function overdueListText(code: string, title: string, duty: 'ack' | 'result', names: readonly string[]): string {
  const shown = names.slice(0, LIST_LIMIT).join('、');
  const more = names.length > LIST_LIMIT ? ` 等 ${names.length} 个` : '';
  return `❗${code} ${title} ${duty === 'ack' ? '签收' : '反馈'}逾期 ${names.length} 个网格：${shown}${more}，请督促`;
}

export const cancelText = (code: string, title: string, reason: string | null): string =>
  `【撤销】${code} ${title} 已撤销${reason ? `：${reason}` : ''}，无需再签收和反馈`;

export const amendText = (code: string, seq: number, text: string): string => `【补充${seq}】${code}：${text}`;
