import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { GridLevelEnum, MemberRoleEnum, RiskColourEnum, RoleEnum } from './enums.js';

@InputType('CreateGridInput')
export class CreateGridInput {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => GridLevelEnum)
  level!: GridLevelEnum;

  @Field(() => String, { nullable: true, description: 'Parent grid code; omit only for a root grid (operator).' })
  parent?: string | null;

  @Field(() => RiskColourEnum, { nullable: true })
  riskColor?: RiskColourEnum | null;

  @Field(() => Int, { nullable: true })
  households?: number | null;

  @Field(() => Int, { nullable: true })
  population?: number | null;
}

@InputType('RegisterMemberInput')
export class RegisterMemberInput {
  @Field(() => String, { description: 'Code of the grid the member is bound to.' })
  grid!: string;

  @Field(() => String)
  name!: string;

  @Field(() => MemberRoleEnum)
  role!: MemberRoleEnum;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'For role DEPARTMENT: the department name at that grid.' })
  department?: string | null;
}

@InputType('IssueTokenInput')
export class IssueTokenInput {
  @Field(() => RoleEnum)
  role!: RoleEnum;

  @Field(() => String, { nullable: true, description: 'Grid whose subtree the token sees (omit only for operator tokens).' })
  grid?: string | null;

  @Field(() => ID, { nullable: true, description: 'The member the token belongs to, if any.' })
  member?: string | null;

  @Field(() => String, { nullable: true })
  label?: string | null;

  @Field(() => Int, { nullable: true, description: 'Lifetime in hours (default TOKEN_TTL_DAYS).' })
  ttlHours?: number | null;
}

@ArgsType()
export class GridsArgs {
  @Field(() => String, { nullable: true, description: 'Root of the subtree; default the caller’s own scope.' })
  under?: string | null;

  @Field(() => GridLevelEnum, { nullable: true })
  level?: GridLevelEnum | null;

  @Field(() => Int, { nullable: true, defaultValue: 100, description: 'Page size, 1–500.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return grids whose code sorts after this one (keyset paging).' })
  after?: string | null;
}
