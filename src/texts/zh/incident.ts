import { categoryLabel, type CategoryId } from '../../domain/categories.js';
import { INCIDENT_STATE_LABELS, type IncidentState } from '../../domain/incident-transitions.js';
import type { MediationOutcome } from '../../domain/dispute-colours.js';
import { MAX_PHOTO_BYTES } from '../../domain/photos.js';
import { formatDeadline, wholeUnitsBetween } from './time.js';

/** What the bot says about incidents: the code and category, what happened, by when. */

/** The fields of an incident the texts read. */
export interface IncidentFacts {
  readonly code: string;
  readonly category: string;
  readonly status: string;
  readonly urgent: boolean;
  readonly createdAt: Date;
  readonly deadlineAt: Date;
  readonly closedAt?: Date | null;
}

/** `E20261122-0012【安全隐患】`. */
const label = (i: Pick<IncidentFacts, 'code' | 'category'>): string => `${i.code}【${categoryLabel(i.category as CategoryId)}】`;

const stateLabel = (status: string): string => INCIDENT_STATE_LABELS[status as IncidentState] ?? status;

/** The note a step handled on the spot carries when the chat message gave none. */
export const HANDLED_ON_SPOT_NOTE = '已就地处置';

/** The timeline note of an escalation for a lapsed deadline. */
export const escalatedNote = (targetGridCode: string): string => `逾期上报至 ${targetGridCode}`;

/** The reply to a report; a resident's tip asks the grid's workers (@-mentioned) to check it. */
export function reportedText(i: IncidentFacts, fromResident: boolean): string {
  const within = `限 ${wholeUnitsBetween(i.createdAt, i.deadlineAt, 'hours')} 小时内处置`;
  const urgent = i.urgent ? '（紧急）' : '';
  return fromResident ? `已登记 ${label(i)}${urgent}，群众反映，请网格员核实，${within}` : `已登记 ${label(i)}${urgent}，${within}`;
}

/** The second line of a report's reply when it looks like an open incident. */
export const possibleDuplicateText = (original: string): string => `可能与 ${original} 重复，已关联`;

/** Told to each reporter when the centre merges a report into another. */
export const mergedText = (merged: string, survivor: string): string => `${merged} 与 ${survivor} 为同一事件，已合并，请以 ${survivor} 查询进度`;

export const handledText = (code: string): string => `${code} 已就地处置，事件办结`;

export const closedText = (code: string): string => `${code} 已结案`;

export const dispatchedText = (code: string, department: string, deadlineAt: Date, zone: string): string =>
  `${code} 已派单给${department}，${formatDeadline(deadlineAt, zone)}前办结`;

/**
 * The notice a department's contact gets when work is dispatched to it: code and category, the
 * place, the deadline, and how to answer in the chat.
 */
export function departmentDispatchText(i: IncidentFacts & { readonly place: string }, department: string, zone: string): string {
  return [
    `【派单】${label(i)}${i.urgent ? '（紧急）' : ''}已派给${department}`,
    `地点：${i.place}`,
    `期限：${formatDeadline(i.deadlineAt, zone)}前办结`,
    `回复 #接单 ${i.code} 开始处置；#办结 ${i.code} 处理结果（附照片）；不属本部门请回复 #退回 ${i.code} 原因`,
  ].join('\n');
}

/** A mediation's record; `turnedYellow` when this failure moved the dispute to yellow. */
export function mediatedText(code: string, outcome: MediationOutcome, failedMediations: number, turnedYellow: boolean): string {
  const turned = turnedYellow ? '，调解三次未成，已转黄色（多部门联合化解）' : '';
  const said = outcome === 'success' ? '调解成功' : `调解失败（第 ${failedMediations} 次）`;
  return `${code} 已记录：${said}${turned}`;
}

export const ratedText = (code: string, satisfied: boolean, status: string): string =>
  satisfied ? `${code} 评价满意，${stateLabel(status)}` : `${code} 评价不满意，已退回重新办理`;

/** `#进度 E…`: state, and for an open incident its deadline (and whether it has passed). */
export function incidentProgressText(i: IncidentFacts, now: Date, zone: string): string {
  const open = !i.closedAt;
  const overdue = open && i.deadlineAt.getTime() < now.getTime() ? '，已超期' : '';
  const due = open ? `，${formatDeadline(i.deadlineAt, zone)}前办结${overdue}` : '';
  return `${label(i)} ${stateLabel(i.status)}${due}`;
}

export const photoAttachedText = (code: string): string => `${code} 已附照片`;

export const PHOTO_REFUSED = `照片格式不对或超过 ${MAX_PHOTO_BYTES / 1024 / 1024}MB，请发 JPG/PNG 照片`;
