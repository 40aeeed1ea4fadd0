import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { INSTRUCTION_GRADES, INSTRUCTION_STATUSES } from '../domain/instruction-grades.js';
import type { InstructionEntity } from '../entities/instruction.entity.js';
import type { InstructionReceiptEntity } from '../entities/instruction-receipt.entity.js';
import type { InstructionUpdateEntity } from '../entities/instruction-update.entity.js';
import type { InstructionIssuedEvent } from '../infra/pubsub.js';
import type { ProgressCounts } from '../repositories/instruction.repository.js';
import { gridDeadline } from '../domain/delivery.js';
import { enumOf, GridLevelEnum, type EnumValue } from './enums.js';

export const InstructionGradeEnum = enumOf(INSTRUCTION_GRADES, { name: 'InstructionGrade', description: 'I 特别重大, II 重大, III 较大, IV 一般.' });
export type InstructionGradeEnum = EnumValue<typeof InstructionGradeEnum>;

export const InstructionStatusEnum = enumOf(INSTRUCTION_STATUSES, { name: 'InstructionStatus' });
export type InstructionStatusEnum = EnumValue<typeof InstructionStatusEnum>;

@ObjectType('InstructionProgress', { description: 'Receiving grids and how many answered; a grid counts once however often it answers.' })
export class InstructionProgressType {
  @Field(() => Int)
  targets!: number;

  @Field(() => Int)
  acknowledged!: number;

  @Field(() => Int)
  reported!: number;

  @Field(() => Int, { description: 'Silent past its own deadline now (no acknowledgement, or no result, in its window); each grid\'s windows run from when it was told.' })
  overdue!: number;

  @Field(() => Int, { description: 'Told: the grid\'s group (or its second channel) was sent the instruction, or the grid answered.' })
  delivered!: number;

  @Field(() => Int, { description: 'Not told and no channel left to tell it (no bound group or second channel, or every send failed); see Instruction.unreachableGrids.' })
  unreachable!: number;

  @Field(() => Int, { description: 'Still being told: neither delivered nor unreachable yet. Its clocks have not started.' })
  delivering!: number;

  @Field(() => Float, { nullable: true, description: 'acknowledged / targets.' })
  ackRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'reported / targets.' })
  resultRate!: number | null;
}

export const toProgress = (p: ProgressCounts): InstructionProgressType =>
  Object.assign(new InstructionProgressType(), { ...p, ackRate: p.targets ? p.acknowledged / p.targets : null, resultRate: p.targets ? p.reported / p.targets : null });

@ObjectType('InstructionGridRef')
export class InstructionGridRef {
  @Field(() => String)
  code!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => GridLevelEnum, { nullable: true })
  level!: string | null;
}

const gridRef = (code: string, name: string | null = null, level: string | null = null) => Object.assign(new InstructionGridRef(), { code, name, level });

@ObjectType('InstructionLevelProgress')
export class LevelProgressType {
  @Field(() => GridLevelEnum)
  level!: string;

  @Field(() => InstructionProgressType)
  progress!: InstructionProgressType;
}

@ObjectType('InstructionChildProgress', { description: 'One child grid and its whole subtree.' })
export class ChildProgressType {
  @Field(() => InstructionGridRef)
  grid!: InstructionGridRef;

  @Field(() => InstructionProgressType)
  progress!: InstructionProgressType;
}

@ObjectType('InstructionReceipt', { description: 'One receiving grid: its items, its first acknowledgement and first result (who and when).' })
export class InstructionReceiptType {
  @Field(() => InstructionGridRef)
  grid!: InstructionGridRef;

  @Field(() => [String])
  items!: string[];

  @Field(() => Date, { nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true })
  acknowledgedBy!: string | null;

  @Field(() => Date, { nullable: true })
  reportedAt!: Date | null;

  @Field(() => String, { nullable: true })
  reportedBy!: string | null;

  @Field(() => String, { nullable: true })
  result!: string | null;

  @Field(() => Int, { description: 'Every answer, counted or not.' })
  answers!: number;

  @Field(() => Date, { nullable: true, description: 'When the grid was told (its group, or its second channel, was sent the instruction); null while it is being told.' })
  deliveredAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'wechat, wecom, or answer (it answered before the send was recorded).' })
  deliveredVia!: string | null;

  @Field(() => Date, { nullable: true, description: 'This grid\'s acknowledgement deadline: the window from deliveredAt (null until told).' })
  ackDueAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'This grid\'s result deadline: the window from deliveredAt (null until told).' })
  resultDueAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was found unreachable (and not delivered since).' })
  unreachableAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'no_channel, failed, undeliverable or channel_failed.' })
  unreachableReason!: string | null;

  @Field(() => Date, { nullable: true, description: 'Marked overdue for the acknowledgement (its parent grid was told).' })
  ackOverdueAt!: Date | null;

  @Field(() => Date, { nullable: true })
  resultOverdueAt!: Date | null;
}

/** A receipt of instruction `i` (its windows give the grid's own deadlines). */
export const toReceipt = (i: Pick<InstructionEntity, 'issuedAt' | 'ackDeadlineAt' | 'resultDeadlineAt'>) => (r: InstructionReceiptEntity): InstructionReceiptType =>
  Object.assign(new InstructionReceiptType(), {
    deliveredAt: r.deliveredAt ?? null,
    deliveredVia: r.deliveredVia ?? null,
    ackDueAt: gridDeadline(i.issuedAt, i.ackDeadlineAt, r.deliveredAt ?? null),
    resultDueAt: gridDeadline(i.issuedAt, i.resultDeadlineAt, r.deliveredAt ?? null),
    unreachableAt: r.deliveredAt ? null : (r.unreachableAt ?? null),
    unreachableReason: r.deliveredAt ? null : (r.unreachableReason ?? null),
    grid: gridRef(r.grid.code, r.grid.name, r.grid.level),
    items: r.items,
    acknowledgedAt: r.acknowledgedAt ?? null,
    acknowledgedBy: r.ackName ?? r.ackRole ?? null,
    reportedAt: r.reportedAt ?? null,
    reportedBy: r.resultName ?? r.resultRole ?? null,
    result: r.resultText ?? null,
    answers: r.answers,
    ackOverdueAt: r.ackOverdueAt ?? null,
    resultOverdueAt: r.resultOverdueAt ?? null,
  });

@ObjectType('InstructionUnreachable', { description: 'The receiving grids no channel reaches (CAP/Everbridge "not reachable"), as the issuer is told them.' })
export class InstructionUnreachableType {
  @Field(() => Int)
  total!: number;

  @Field(() => [InstructionReceiptType], { description: 'The first of them, in tree order.' })
  grids!: InstructionReceiptType[];
}

@ObjectType('InstructionUpdate')
export class InstructionUpdateType {
  @Field(() => Int)
  seq!: number;

  @Field(() => String, { description: 'amend or cancel.' })
  kind!: string;

  @Field(() => String, { nullable: true })
  text!: string | null;

  @Field(() => Date)
  at!: Date;
}

export const toUpdate = (u: InstructionUpdateEntity): InstructionUpdateType => Object.assign(new InstructionUpdateType(), { seq: u.seq, kind: u.kind, text: u.text ?? null, at: u.at });

@ObjectType('Instruction', { description: '重大事件一键下达: one instruction to every grid of a subtree at the chosen levels.' })
export class InstructionType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'I{yyyymmdd}-{seq}, the day in the grid time zone.' })
  code!: string;

  @Field(() => InstructionGradeEnum)
  grade!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  body!: string | null;

  @Field(() => InstructionStatusEnum)
  status!: string;

  @Field(() => InstructionGridRef, { description: 'The subtree it went to (the scope grid itself issues, it does not receive).' })
  scope!: InstructionGridRef;

  @Field(() => [GridLevelEnum])
  levels!: string[];

  @Field(() => Int)
  targets!: number;

  @Field(() => Date)
  issuedAt!: Date;

  @Field(() => Date)
  ackDeadlineAt!: Date;

  @Field(() => Date)
  resultDeadlineAt!: Date;

  @Field(() => Date, { nullable: true })
  cancelledAt!: Date | null;

  @Field(() => String, { nullable: true })
  cancelReason!: string | null;

  /** Progress already known (a fresh issue, a coalesced push): no query for the field. */
  knownProgress?: ProgressCounts;

  /** The row behind it, when already loaded. */
  entity?: InstructionEntity;
}

export const toInstruction = (i: InstructionEntity): InstructionType =>
  Object.assign(new InstructionType(), {
    id: i.code,
    code: i.code,
    grade: i.grade,
    title: i.title,
    body: i.body ?? null,
    status: i.status,
    scope: gridRef(i.scopeGrid.code, i.scopeGrid.name ?? null, i.scopeGrid.level ?? null),
    levels: i.levels,
    targets: i.targets,
    issuedAt: i.issuedAt,
    ackDeadlineAt: i.ackDeadlineAt,
    resultDeadlineAt: i.resultDeadlineAt,
    cancelledAt: i.cancelledAt ?? null,
    cancelReason: i.cancelReason ?? null,
    entity: i,
  });

/** From the issued event's snapshot: nothing is read per subscriber. */
export const instructionFromEvent = (e: InstructionIssuedEvent): InstructionType =>
  Object.assign(new InstructionType(), {
    id: e.code,
    code: e.code,
    grade: e.grade,
    title: e.title,
    body: e.body,
    status: e.status,
    scope: gridRef(e.scopeCode),
    levels: e.levels,
    targets: e.targets,
    issuedAt: new Date(e.issuedAt),
    ackDeadlineAt: new Date(e.ackDeadlineAt),
    resultDeadlineAt: new Date(e.resultDeadlineAt),
    cancelledAt: null,
    cancelReason: null,
    knownProgress: { targets: e.targets, acknowledged: 0, reported: 0, overdue: 0, delivered: 0, unreachable: e.unreachable ?? 0, delivering: e.targets - (e.unreachable ?? 0) },
  });

@ObjectType('InstructionAnswer', { description: 'What an acknowledgement or result did.' })
export class InstructionAnswerType {
  @Field(() => InstructionType)
  instruction!: InstructionType;

  @Field(() => InstructionGridRef)
  grid!: InstructionGridRef;

  @Field(() => Boolean, { description: 'True for the grid’s first answer of this kind; repeats are recorded but do not count again.' })
  counted!: boolean;

  @Field(() => Boolean)
  acknowledged!: boolean;

  @Field(() => Boolean)
  reported!: boolean;
}

export const toAnswer = (a: { instruction: InstructionEntity; grid: { code: string; name: string; level: string }; outcome: { first: boolean; acknowledged: boolean; reported: boolean } }): InstructionAnswerType =>
  Object.assign(new InstructionAnswerType(), {
    instruction: toInstruction(a.instruction),
    grid: gridRef(a.grid.code, a.grid.name, a.grid.level),
    counted: a.outcome.first,
    acknowledged: a.outcome.acknowledged,
    reported: a.outcome.reported,
  });

@InputType('InstructionItemInput', { description: 'A task for one receiving grid (e.g. a returnee to check); each grid receives only its own.' })
export class InstructionItemInput {
  @Field(() => String)
  grid!: string;

  @Field(() => String)
  text!: string;
}

@InputType('IssueInstructionInput')
export class IssueInstructionInput {
  @Field(() => String, { nullable: true, description: 'The grid whose subtree receives it; default your own grid.' })
  scope?: string | null;

  @Field(() => InstructionGradeEnum)
  grade!: InstructionGradeEnum;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  body?: string | null;

  @Field(() => [GridLevelEnum], { nullable: true, description: 'Levels below the scope that receive it; default from the grade.' })
  levels?: GridLevelEnum[] | null;

  @Field(() => Int, { nullable: true, description: 'Minutes to acknowledge; default from the grade (I 5, II 10, III 30, IV 120).' })
  ackWithin?: number | null;

  @Field(() => Int, { nullable: true, description: 'Minutes to report the result; default from the grade (I 30, II 60, III 240, IV 1440).' })
  resultWithin?: number | null;

  @Field(() => Boolean, { nullable: true, description: '@-mention each grid’s chief; default from the grade (I–III yes).' })
  mentionChiefs?: boolean | null;

  @Field(() => [InstructionItemInput], { nullable: true })
  items?: InstructionItemInput[] | null;
}
