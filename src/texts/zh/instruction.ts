import { windowMinutes } from '../../domain/delivery.js';
import { GRADE_LABELS, type InstructionGrade } from '../../domain/instruction-grades.js';
import { formatWindow, unreachableListText } from './delivery.js';
import { formatDeadline, wholeUnitsBetween } from './time.js';

/**
 * What the bot says about instructions, in the short plain Chinese a good grid worker writes:
 * the code, what happened, what is next. Times arrive as instants and a time zone.
 */
export interface InstructionHead {
  readonly code: string;
  readonly grade: InstructionGrade;
  readonly title: string;
  readonly body: string | null;
  readonly ackDeadline: Date;
  readonly resultDeadline: Date;
}

/** Minutes from issue to a deadline: the window each grid gets from when it is told. */
const windowOf = (issuedAt: Date, deadline: Date): string => formatWindow(windowMinutes(issuedAt, deadline));

/**
 * The message each receiving group gets: grade, code, title, body, that grid's own items, and
 * its windows, counted from when the group is told (a grid told later is not later due).
 */
export function issuedText(h: InstructionHead, items: readonly string[], now: Date, _timeZone: string): string {
  const lines = [`【${GRADE_LABELS[h.grade]}指令】${h.code} ${h.title}`];
  if (h.body) lines.push(h.body);
  if (items.length) {
    lines.push(`本网格任务（${items.length}项）：`);
    items.forEach((item, i) => lines.push(`${i + 1}. ${item}`));
  }
  lines.push(`请在 ${windowOf(now, h.ackDeadline)}内回复"收到"，${windowOf(now, h.resultDeadline)}内发"#反馈 ${h.code} 结果"。`);
  return lines.join('\n');
}

/** The grids no channel reaches, as the issuer is told them. */
export interface UnreachableGrids {
  readonly total: number;
  readonly grids: ReadonlyArray<{ name: string; reason: string | null }>;
}

/** The answer to whoever issued it: where it went, each grid's windows from when it is told, and who cannot be reached. */
export function issueReplyText(h: InstructionHead, targets: number, now: Date, unreachable: UnreachableGrids): string {
  const base = `已下达 ${h.code}（${GRADE_LABELS[h.grade]}）到 ${targets} 个网格，各网格收到后 ${windowOf(now, h.ackDeadline)}内签收、${windowOf(now, h.resultDeadline)}内反馈`;
  return unreachable.total ? `${base}；${unreachable.total} 个网格无法送达：${unreachableListText(unreachable.grids, unreachable.total, LIST_LIMIT)}` : base;
}

export interface AnswerState {
  readonly code: string;
  readonly resultDeadline: Date;
  /** This answer was the grid's first of its kind (it counted). */
  readonly first: boolean;
  readonly reported: boolean;
}

export function ackReplyText(a: AnswerState, now: Date): string {
  if (a.reported) return `${a.code} 本网格已反馈结果，无需再签收`;
  const next = now.getTime() > a.resultDeadline.getTime() ? '反馈已逾期，请尽快发"#反馈 编号 结果"' : `请在 ${wholeUnitsBetween(now, a.resultDeadline, 'minutes')} 分钟内反馈结果`;
  return a.first ? `已收到 ${a.code}，${next}` : `${a.code} 本网格已签收过，${next}`;
}

export const resultReplyText = (a: AnswerState): string =>
  a.first ? `已收到 ${a.code} 的反馈，本网格已完成` : `${a.code} 本网格已反馈过，本次内容已补充记录`;

/**
 * `#进度 I…`: the figures as the centre sees them: how many grids were told and how many are
 * still being told, then the answers, then the grids no channel reaches (by name).
 */
export function instructionProgressText(
  i: { code: string; title: string; cancelled: boolean },
  p: { targets: number; acknowledged: number; reported: number; overdue: number; delivered?: number; delivering?: number; unreachable?: number },
  unreachable: UnreachableGrids = { total: 0, grids: [] },
): string {
  if (i.cancelled) return `${i.code} ${i.title}：已撤销`;
  const told = p.delivered === undefined ? '' : `送达 ${p.delivered}/${p.targets}${p.delivering ? `（${p.delivering} 个正在送达）` : ''}，`;
  const state = `${told}签收 ${p.acknowledged}/${p.targets}，反馈 ${p.reported}/${p.targets}${p.overdue ? `，逾期 ${p.overdue}` : ''}`;
  const lost = unreachable.total ? `\n无法送达 ${unreachable.total} 个：${unreachableListText(unreachable.grids, unreachable.total, LIST_LIMIT)}` : '';
  return `${i.code} ${i.title}：${state}${lost}`;
}

/** The chase before a duty's deadline, to a grid that has not answered. */
export function instructionReminderText(code: string, title: string, duty: 'ack' | 'result', deadline: Date, now: Date, timeZone: string): string {
  const by = formatDeadline(deadline, timeZone, now);
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
