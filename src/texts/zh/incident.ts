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

/** The place a location message gave: its name, else its address. */
const placeName = (p: { name: string | null; address: string | null }): string => p.name ?? p.address ?? '定位点';

/** A location sent right after a report. */
export const locatedText = (code: string, place: { name: string | null; address: string | null }): string => `${code} 已记录位置：${placeName(place)}`;

/** The second line of a reply whose command took photos or a location sent just before it. */
export function attachedText(photos: number, place: { name: string | null; address: string | null } | null): string {
  return [photos ? `已附照片 ${photos} 张` : null, place ? `位置：${placeName(place)}` : null].filter(Boolean).join('，');
}

export const PHOTO_REFUSED = `照片格式不对或超过 ${MAX_PHOTO_BYTES / 1024 / 1024}MB，请发 JPG/PNG 照片`;

/** `#接单`: the department (or a co-department, for its part) has started. */
export const startedText = (code: string, department: string, part: boolean): string => `${code} ${department}已接单${part ? '（协办）' : ''}，开始处置`;

/** `#退回`: the department sent it back to the centre (a co-department: its part). */
export const returnedText = (code: string, department: string, part: boolean): string =>
  part ? `${code} ${department}已退回协办部分，已告知指挥中心` : `${code} ${department}已退回，已回到指挥中心重新派单`;

/** `#办结` from a department: resolved (a co-department: its part reported to the lead). */
export const resolvedText = (code: string, department: string, part: boolean): string =>
  part ? `${code} ${department}协办部分已办结，待牵头部门办结` : `${code} ${department}已办结，待网格员核查`;

/** `dispatchedText` for a joint dispatch: the co-departments after the lead. */
export const jointDispatchedText = (code: string, lead: string, co: readonly string[], deadlineAt: Date, zone: string): string =>
  `${code} 已派单给${lead}（牵头），${co.join('、')}协办，${formatDeadline(deadlineAt, zone)}前办结`;

/**
 * The notice a co-department gets: its part of a jointly handled incident, with its own deadline.
 */
export function departmentPartText(i: IncidentFacts & { readonly place: string }, department: string, lead: string, deadlineAt: Date, zone: string): string {
  return [
    `【协办】${label(i)}${i.urgent ? '（紧急）' : ''}由${lead}牵头，${department}协办`,
    `地点：${i.place}`,
    `期限：${formatDeadline(deadlineAt, zone)}前办结协办部分`,
    `回复 #接单 ${i.code} 开始处置；#办结 ${i.code} 处理结果；不属本部门请回复 #退回 ${i.code} 原因`,
  ].join('\n');
}

/** Told to a department's head when its work on an incident is past the deadline. */
export function departmentOverdueText(i: Pick<IncidentFacts, 'code' | 'category'>, department: string, head: string, deadlineAt: Date, zone: string, part: boolean): string {
  return `【逾期督办】${head}：${label(i)}派给${department}${part ? '协办' : ''}，期限${formatDeadline(deadlineAt, zone)}已过，尚未办结，请督促处理`;
}

/** The timeline note of a department escalation. */
export const departmentEscalatedNote = (department: string, head: string | null): string => (head ? `逾期，已告知${department}负责人${head}` : `逾期，${department}未设负责人`);

/**
 * 拍拍板: the question to the resident who reported, once the worker's revisit confirmed the
 * resolution (`@name` by name: an unbound contact cannot be mentioned as a member).
 */
export const verdictQuestionText = (code: string, resident: string): string =>
  `@${resident} 您反映的 ${code} 已处置完毕，请评价：回复 #满意 ${code}，或 #不满意 ${code} 原因（引用本条回复"满意"也可）`;
