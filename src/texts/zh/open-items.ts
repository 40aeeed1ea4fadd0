import { PERIOD_RULES } from '../../domain/clearance-periods.js';
import type { SlotStatus } from '../../domain/clearance-record.js';
import { categoryLabel, type CategoryId } from '../../domain/categories.js';
import { INCIDENT_STATE_LABELS, isOpenState, type IncidentState } from '../../domain/incident-transitions.js';
import { formatClock, formatDeadline } from './time.js';

/** `#进度` with no code: a person's open items, one short reply. */

export interface OpenItemsFacts {
  readonly incidents: { readonly rows: ReadonlyArray<{ code: string; category: string; status: string; urgent: boolean; deadlineAt: Date }>; readonly total: number };
  readonly instructions: { readonly rows: ReadonlyArray<{ code: string; title: string; acknowledged: boolean; resultDeadlineAt: Date }>; readonly total: number };
  readonly clearance: { readonly slot: { status: SlotStatus; zeroReport: boolean; late: boolean }; readonly deadlineAt: Date } | null;
}

const TITLE_CHARS = 16;
const short = (title: string): string => (title.length > TITLE_CHARS ? `${title.slice(0, TITLE_CHARS)}…` : title);

/** `等 12 件` under a list cut short. */
const more = (shown: number, total: number, unit: string): string[] => (total > shown ? [`等 ${total} ${unit}`] : []);

/** `E20261123-0001【安全隐患】已登记，14:00前办结`; past the deadline `，已超期`; no deadline once resolved. */
function incidentLine(i: OpenItemsFacts['incidents']['rows'][number], now: Date, zone: string): string {
  const state = i.status as IncidentState;
  const head = `${i.code}【${categoryLabel(i.category as CategoryId)}】${i.urgent ? '（紧急）' : ''}${INCIDENT_STATE_LABELS[state] ?? i.status}`;
  if (!isOpenState(state)) return head;
  return `${head}，${formatDeadline(i.deadlineAt, zone, now)}前办结${i.deadlineAt.getTime() < now.getTime() ? '，已超期' : ''}`;
}

function clearanceLine(c: NonNullable<OpenItemsFacts['clearance']>, now: Date, zone: string): string {
  const head = `今日${PERIOD_RULES.daily.label}：`;
  switch (c.slot.status) {
    case 'confirmed':
      return `${head}${c.slot.zeroReport ? '已零报告' : '已报'}${c.slot.late ? '（迟报）' : ''}`;
    case 'missed':
      return `${head}漏报，请补报`;
    case 'pending':
      return now.getTime() > c.deadlineAt.getTime() ? `${head}未报，已过 ${formatClock(c.deadlineAt, zone)}` : `${head}未报，${formatClock(c.deadlineAt, zone)}前报`;
  }
}

/**
 * ```
 * 事件 2 件：
 * E20261123-0001【安全隐患】已登记，11月24日 10:00前办结
 * E20261123-0002【设施损坏】已办结待核查，…
 * 指令 1 条未反馈：
 * I20261123-003 防汛排查，待签收
 * 今日日清：未报，20:00前报
 * ```
 */
export function openItemsText(items: OpenItemsFacts, now: Date, zone: string): string {
  const { incidents, instructions, clearance } = items;
  const lines: string[] = [];
  if (incidents.total) {
    lines.push(`事件 ${incidents.total} 件：`, ...incidents.rows.map((i) => incidentLine(i, now, zone)), ...more(incidents.rows.length, incidents.total, '件'));
  } else lines.push('事件：无待办');
  if (instructions.total) {
    lines.push(
      `指令 ${instructions.total} 条未反馈：`,
      ...instructions.rows.map((i) => `${i.code} ${short(i.title)}，${i.acknowledged ? `待反馈，${formatDeadline(i.resultDeadlineAt, zone, now)}前` : '待签收'}`),
      ...more(instructions.rows.length, instructions.total, '条'),
    );
  } else lines.push('指令：无待反馈');
  if (clearance) lines.push(clearanceLine(clearance, now, zone));
  return lines.join('\n');
}
