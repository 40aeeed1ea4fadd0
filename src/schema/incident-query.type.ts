import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import type { StatsRow } from '../repositories/incident.repository.js';
import { CategoryEnum, DisputeColourEnum, IncidentStatusEnum, IncidentType } from './incident.type.js';

@InputType('IncidentFilter')
export class IncidentFilterInput {
  @Field(() => String, { nullable: true, description: 'Root grid of the subtree; default your scope.' })
  under?: string | null;

  @Field(() => [IncidentStatusEnum], { nullable: true })
  status?: string[] | null;

  @Field(() => [CategoryEnum], { nullable: true })
  category?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  urgent?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Open and past its deadline (or not).' })
  overdue?: boolean | null;

  @Field(() => DisputeColourEnum, { nullable: true })
  disputeColor?: string | null;

  @Field(() => [String], { nullable: true, description: 'Dispatched to any of these departments (by name, e.g. 城管).' })
  department?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Reported at or after.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Reported before.' })
  to?: Date | null;
}

@ObjectType('IncidentEdge')
export class IncidentEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => IncidentType)
  node!: IncidentType;
}

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('IncidentConnection')
export class IncidentConnection {
  @Field(() => [IncidentEdge])
  edges!: IncidentEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType('Stats', { description: 'Incidents reported under a scope in [from, to); rates are fractions 0–1 (null when nothing to divide).' })
export class StatsType {
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

  @Field(() => Float, { nullable: true, description: 'Median hours from report to close.' })
  medianHoursToClose!: number | null;
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

export const toStats = (s: StatsRow): StatsType =>
  Object.assign(new StatsType(), {
    reported: s.reported,
    handledOnSite: s.handledOnSite,
    disposalRate: ratio(s.handledOnSite, s.reported),
    closed: s.closed,
    completionRate: ratio(s.closed, s.reported),
    overdue: s.overdue,
    satisfactionRate: ratio(s.satisfied, s.rated),
    medianHoursToClose: s.medianHoursToClose,
  });
