import { Field, InputType, ObjectType } from 'type-graphql';
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
