import { Field, Float, InterfaceType, Int, ObjectType } from 'type-graphql';
import type { Figures, LeagueEntry, StatsSnapshot } from '../services/stats.service.js';
import { GridType } from './grid.type.js';
import { CategoryEnum } from './incident.type.js';

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** The figures every stats type carries (Stats and each slice of a breakdown): one fragment `on Figures` serves them all. */
@InterfaceType('Figures', { description: 'Incident figures of a scope or a slice; rates are fractions 0–1 (null when nothing to divide).' })
export abstract class FiguresType {
  @Field(() => Int)
  reported!: number;

  @Field(() => Int, { description: 'Handled on the spot by whoever found it.' })
  handledOnSite!: number;

  @Field(() => Float, { nullable: true, description: 'handledOnSite / reported.' })
  disposalRate!: number | null;

  @Field(() => Int, { description: 'Closed, including handled on the spot.' })
  closed!: number;

  @Field(() => Float, { nullable: true, description: 'closed / reported.' })
  completionRate!: number | null;

  @Field(() => Int, { description: 'Still open and past the deadline now.' })
  overdue!: number;

  @Field(() => Float, { nullable: true, description: 'satisfied / rated.' })
  satisfactionRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Median hours from report to close (within the hour below 48 h, within the day above; exact when a bucket’s durations are equal).' })
  medianHoursToClose!: number | null;

  @Field(() => Int, { description: 'Closed by their deadline.' })
  onTime!: number;

  @Field(() => Float, { nullable: true, description: 'onTime / closed.' })
  onTimeRate!: number | null;

  @Field(() => Int, { description: 'Still open (reported, escalated, accepted, dispatched, in progress or returned).' })
  open!: number;
}

const fill = <T extends FiguresType>(target: T, f: Figures): T =>
  Object.assign(target, {
    reported: f.reported,
    handledOnSite: f.handledOnSite,
    disposalRate: ratio(f.handledOnSite, f.reported),
    closed: f.closed,
    completionRate: ratio(f.closed, f.reported),
    overdue: f.overdue,
    satisfactionRate: ratio(f.satisfied, f.rated),
    medianHoursToClose: f.medianHoursToClose,
    onTime: f.onTime,
    onTimeRate: ratio(f.onTime, f.closed),
    open: f.open,
  });

@ObjectType('Stats', { implements: FiguresType, description: 'Incidents reported under a scope in [from, to); rates are fractions 0–1 (null when nothing to divide). Merged duplicates count once, on the survivor.' })
export class StatsType extends FiguresType {
  /** Internal: the breakdowns resolve from it. */
  snapshot!: StatsSnapshot;
}

@ObjectType('GridStats', { implements: FiguresType, description: 'The figures of one child grid’s subtree.' })
export class GridStatsType extends FiguresType {
  @Field(() => GridType)
  grid!: GridType;
}

@ObjectType('CategoryStats', { implements: FiguresType, description: 'The figures of one category.' })
export class CategoryStatsType extends FiguresType {
  @Field(() => CategoryEnum)
  category!: string;
}

@ObjectType('DepartmentStats', { implements: FiguresType, description: 'The figures of the incidents dispatched to one department.' })
export class DepartmentStatsType extends FiguresType {
  @Field(() => String, { nullable: true, description: 'The department (城管, 民政 …); null for incidents not dispatched to any.' })
  department!: string | null;
}

@ObjectType('DayStats', { implements: FiguresType, description: 'The figures of the incidents reported on one day (grid time zone).' })
export class DayStatsType extends FiguresType {
  @Field(() => String, { description: 'The day, yyyy-mm-dd.' })
  day!: string;
}

@ObjectType('LeagueEntry', { description: 'A child grid’s place in the 考核 league of a period: rates are fractions 0–1 (null when nothing to judge).' })
export class LeagueEntryType {
  @Field(() => Int, { description: '1 for the best score; equal scores share a rank; grids with no rate at all come last.' })
  rank!: number;

  @Field(() => GridType)
  grid!: GridType;

  @Field(() => Float, { nullable: true, description: 'The mean of the four rates below that are known (equal weights).' })
  score!: number | null;

  @Field(() => Int)
  reported!: number;

  @Field(() => Float, { nullable: true, description: '处置率: handled on the spot / reported.' })
  disposalRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Closed by the deadline / closed.' })
  onTimeRate!: number | null;

  @Field(() => Float, { nullable: true, description: 'Satisfied / rated.' })
  satisfactionRate!: number | null;

  @Field(() => Int, { description: 'Clearance slots of the subtree judged (confirmed, or past the deadline) in rounds that started in the period.' })
  clearanceRounds!: number;

  @Field(() => Int, { description: 'Of those, confirmed on time.' })
  clearanceOnTime!: number;

  @Field(() => Float, { nullable: true, description: 'clearanceOnTime / clearanceRounds.' })
  clearanceOnTimeRate!: number | null;
}

export const toStats = (s: StatsSnapshot): StatsType => fill(Object.assign(new StatsType(), { snapshot: s }), s);
export const toGridStats = (f: Figures, grid: GridType): GridStatsType => fill(Object.assign(new GridStatsType(), { grid }), f);
export const toCategoryStats = (f: Figures, category: string): CategoryStatsType => fill(Object.assign(new CategoryStatsType(), { category }), f);
export const toDepartmentStats = (f: Figures, department: string | null): DepartmentStatsType => fill(Object.assign(new DepartmentStatsType(), { department }), f);
export const toDayStats = (f: Figures, day: string): DayStatsType => fill(Object.assign(new DayStatsType(), { day }), f);
export const toLeagueEntry = (e: LeagueEntry, grid: GridType): LeagueEntryType =>
  Object.assign(new LeagueEntryType(), {
    rank: e.rank,
    grid,
    score: e.score,
    reported: e.figures.reported,
    disposalRate: e.disposalRate,
    onTimeRate: e.onTimeRate,
    satisfactionRate: e.satisfactionRate,
    clearanceRounds: e.clearanceRounds,
    clearanceOnTime: e.clearanceOnTime,
    clearanceOnTimeRate: e.clearanceOnTimeRate,
  });
