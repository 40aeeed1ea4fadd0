import { Field, Float, Int, ObjectType } from 'type-graphql';
import { CLEARANCE_PERIODS } from '../domain/clearance-periods.js';
import { SLOT_STATUSES } from '../domain/clearance-record.js';
import type { ChildProgress, ProgressCounts, SlotRow } from '../repositories/clearance.repository.js';
import type { ConfirmClearanceResult, GridRecord, RoundView } from '../services/clearance.service.js';
import { enumOf, type EnumValue } from './enums.js';

export const ClearancePeriodEnum = enumOf(CLEARANCE_PERIODS, { name: 'ClearancePeriod', description: '日清 daily, 周清 weekly (Monday to Sunday), 月清 monthly.' });
export type ClearancePeriodEnum = EnumValue<typeof ClearancePeriodEnum>;

export const ClearanceSlotStatusEnum = enumOf(SLOT_STATUSES, { name: 'ClearanceSlotStatus', description: 'A grid’s answer: not yet, confirmed (possibly late), or silent at the deadline.' });
export type ClearanceSlotStatusEnum = EnumValue<typeof ClearanceSlotStatusEnum>;

@ObjectType('ClearanceProgress', { description: 'A zero report counts as confirmed and as a zero report; a late answer as confirmed and late.' })
export class ClearanceProgressType {
  @Field(() => Int, { description: 'Grids asked to confirm.' })
  targets!: number;

  @Field(() => Int)
  confirmed!: number;

  @Field(() => Int)
  zeroReports!: number;

  @Field(() => Int, { description: 'Silent at the deadline and still unanswered.' })
  missed!: number;

  @Field(() => Int, { description: 'Confirmed after the deadline.' })
  late!: number;

  @Field(() => Int, { description: 'Not answered yet, before the deadline.' })
  pending!: number;

  @Field(() => Int, { description: 'Zero reports from grids with open overdue incidents.' })
  flagged!: number;

  @Field(() => Float, { nullable: true, description: 'confirmed / targets (0–1).' })
  confirmedRate!: number | null;
}

export const toProgress = (p: ProgressCounts): ClearanceProgressType => Object.assign(new ClearanceProgressType(), { ...p, confirmedRate: p.targets ? p.confirmed / p.targets : null });

@ObjectType('ClearanceGrid')
export class ClearanceGridRef {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;
}

const gridRef = (code: string, name: string) => Object.assign(new ClearanceGridRef(), { code, name });

@ObjectType('ClearanceChildProgress', { description: 'The progress of the grids under one child of the scope.' })
export class ClearanceChildType {
  @Field(() => ClearanceGridRef)
  grid!: ClearanceGridRef;

  @Field(() => ClearanceProgressType)
  progress!: ClearanceProgressType;
}

@ObjectType('ClearanceSlot', { description: 'One grid’s answer to one round.' })
export class ClearanceSlotType {
  @Field(() => ClearanceGridRef)
  grid!: ClearanceGridRef;

  @Field(() => ClearanceSlotStatusEnum)
  status!: ClearanceSlotStatusEnum;

  @Field(() => Boolean)
  zeroReport!: boolean;

  @Field(() => Boolean)
  late!: boolean;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => [String], { description: 'Open overdue incidents when the grid sent a zero report (accepted, flagged).' })
  flaggedIncidents!: string[];

  @Field(() => Date, { nullable: true })
  confirmedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was marked missed (kept if it answered late afterwards).' })
  missedAt!: Date | null;
}

export const toSlot = (s: SlotRow): ClearanceSlotType =>
  Object.assign(new ClearanceSlotType(), {
    grid: gridRef(s.code, s.name),
    status: s.status as ClearanceSlotStatusEnum,
    zeroReport: s.zeroReport,
    late: s.late,
    note: s.note,
    flaggedIncidents: s.flaggedCodes,
    confirmedAt: s.confirmedAt,
    missedAt: s.missedAt,
  });

@ObjectType('ClearanceRound', { description: 'A round of 日清/周清/月清 as seen under one scope.' })
export class ClearanceRoundType {
  /** Not exposed: for the `slots` field. */
  roundId!: number;
  scopePath!: string;

  @Field(() => String, { description: 'D20261123, W2026W48, M202611.' })
  code!: string;

  @Field(() => ClearancePeriodEnum)
  period!: ClearancePeriodEnum;

  @Field(() => String, { description: 'The first day of the period, YYYY-MM-DD in TZ_GRID.' })
  date!: string;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date, { description: 'End of the period (exclusive): answers until then count.' })
  endsAt!: Date;

  @Field(() => Date)
  rollCallAt!: Date;

  @Field(() => Date)
  remindAt!: Date;

  @Field(() => Date, { description: 'Answers after it are late; the silent are marked missed at it.' })
  deadlineAt!: Date;

  @Field(() => Date, { description: 'When it was opened: later than startsAt when caught up after an outage.' })
  openedAt!: Date;

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;

  @Field(() => ClearanceProgressType)
  progress!: ClearanceProgressType;

  @Field(() => [ClearanceChildType], { description: 'Progress per child grid of the scope.' })
  children!: ClearanceChildType[];
}

export const toRound = (v: RoundView, date: string): ClearanceRoundType =>
  Object.assign(new ClearanceRoundType(), {
    roundId: v.round.id,
    scopePath: v.scopePath,
    code: v.round.code,
    period: v.round.period as ClearancePeriodEnum,
    date,
    startsAt: v.round.startsAt,
    endsAt: v.round.endsAt,
    rollCallAt: v.round.rollCallAt,
    remindAt: v.round.remindAt,
    deadlineAt: v.round.deadlineAt,
    openedAt: v.round.openedAt,
    closedAt: v.round.closedAt,
    progress: toProgress(v.progress),
    children: v.children.map((c: ChildProgress) => Object.assign(new ClearanceChildType(), { grid: gridRef(c.code, c.name), progress: toProgress(c) })),
  });

@ObjectType('ClearanceConfirmation', { description: 'What an answer did; `message` is what the bot says in the group.' })
export class ClearanceConfirmationType {
  @Field(() => String)
  round!: string;

  @Field(() => ClearancePeriodEnum)
  period!: ClearancePeriodEnum;

  @Field(() => ClearanceSlotType)
  slot!: ClearanceSlotType;

  @Field(() => Boolean, { description: 'The grid had already answered this round; nothing changed.' })
  alreadyConfirmed!: boolean;

  @Field(() => String)
  message!: string;
}

export const toConfirmation = (r: ConfirmClearanceResult, message: string): ClearanceConfirmationType =>
  Object.assign(new ClearanceConfirmationType(), { round: r.round.code, period: r.period as ClearancePeriodEnum, slot: toSlot(r.slot), alreadyConfirmed: r.alreadyConfirmedAt !== null, message });

@ObjectType('ClearanceRecordEntry')
export class ClearanceRecordEntryType {
  @Field(() => String)
  round!: string;

  @Field(() => ClearanceSlotStatusEnum)
  status!: ClearanceSlotStatusEnum;

  @Field(() => Boolean)
  late!: boolean;

  @Field(() => Boolean)
  zeroReport!: boolean;

  @Field(() => Boolean)
  flagged!: boolean;

  @Field(() => Date)
  deadlineAt!: Date;

  @Field(() => Date, { nullable: true })
  confirmedAt!: Date | null;
}

@ObjectType('ClearanceRecord', { description: 'A grid’s record over its latest rounds of a period, for the assessment (考核).' })
export class ClearanceRecordType {
  @Field(() => String)
  grid!: string;

  @Field(() => ClearancePeriodEnum)
  period!: ClearancePeriodEnum;

  @Field(() => Int, { description: 'Rounds judged: past their deadline, or already confirmed.' })
  rounds!: number;

  @Field(() => Int)
  onTime!: number;

  @Field(() => Int)
  late!: number;

  @Field(() => Int)
  missed!: number;

  @Field(() => Int)
  zeroReports!: number;

  @Field(() => Int)
  flagged!: number;

  @Field(() => Float, { nullable: true, description: 'onTime / rounds (0–1).' })
  onTimeRate!: number | null;

  @Field(() => Int, { description: 'On-time confirmations in a row, up to the latest round judged.' })
  streak!: number;

  @Field(() => Int)
  longestStreak!: number;

  @Field(() => [ClearanceRecordEntryType], { description: 'The rounds, oldest first.' })
  entries!: ClearanceRecordEntryType[];
}

export const toRecord = (r: GridRecord): ClearanceRecordType =>
  Object.assign(new ClearanceRecordType(), {
    ...r,
    grid: r.gridCode,
    period: r.period as ClearancePeriodEnum,
    entries: r.entries.map((e) =>
      Object.assign(new ClearanceRecordEntryType(), { round: e.roundCode, status: e.status as ClearanceSlotStatusEnum, late: e.late, zeroReport: e.zeroReport, flagged: e.flaggedCodes.length > 0, deadlineAt: e.deadlineAt, confirmedAt: e.confirmedAt }),
    ),
  });
