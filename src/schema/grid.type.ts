import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { DepartmentEntity } from '../entities/department.entity.js';
import type { GridEntity } from '../entities/grid.entity.js';
import type { MemberEntity } from '../entities/member.entity.js';
import { GridChangeKindEnum, GridLevelEnum, MemberRoleEnum, RiskColourEnum, RoleEnum } from './enums.js';

@ObjectType('Grid', { description: 'A node of the grid tree. Relations resolve through per-request loaders.' })
export class GridType {
  @Field(() => ID)
  id!: string;

  /** Internal: loaders key on it. */
  dbId!: number;
  parentId!: number | null;

  @Field(() => String, { description: 'Stable code, e.g. XHG-B03-C07-M12.' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => GridLevelEnum)
  level!: GridLevelEnum;

  @Field(() => RiskColourEnum, { description: 'The colour set by people.' })
  riskColor!: RiskColourEnum;

  @Field(() => Int)
  households!: number;

  @Field(() => Int)
  population!: number;

  @Field(() => Int, { description: 'Depth in the tree; the root is 0.' })
  depth!: number;

  @Field(() => Date)
  createdAt!: Date;
}

export const toGrid = (g: GridEntity): GridType =>
  Object.assign(new GridType(), {
    id: g.code,
    dbId: g.id,
    parentId: g.parent ? g.parent.id : null,
    code: g.code,
    name: g.name,
    level: g.level as GridLevelEnum,
    riskColor: g.riskColour as RiskColourEnum,
    households: g.households,
    population: g.population,
    depth: g.depth,
    createdAt: g.createdAt,
  });

@ObjectType('Department')
export class DepartmentType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  /** The head's member id (`head` resolves it). */
  headId!: number | null;
}

export const toDepartment = (d: DepartmentEntity): DepartmentType => Object.assign(new DepartmentType(), { id: String(d.id), name: d.name, headId: d.head?.id ?? null });

@ObjectType('Member')
export class MemberType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => MemberRoleEnum)
  role!: MemberRoleEnum;

  @Field(() => String, { nullable: true })
  phone!: string | null;

  gridId!: number;
}

export const toMember = (m: MemberEntity): MemberType =>
  Object.assign(new MemberType(), { id: String(m.id), name: m.name, role: m.role as MemberRoleEnum, phone: m.phone ?? null, gridId: m.grid.id });

@ObjectType('GridChange', { description: 'A change in the grid tree, pushed to subscribers of any ancestor grid.' })
export class GridChangeType {
  @Field(() => GridChangeKindEnum)
  kind!: GridChangeKindEnum;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => GridLevelEnum)
  level!: GridLevelEnum;

  @Field(() => RiskColourEnum)
  riskColor!: RiskColourEnum;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { nullable: true, description: 'e.g. the new parent of a move, the role and name of a new member.' })
  detail!: string | null;
}

@ObjectType('Viewer', { description: 'Who the bearer token belongs to.' })
export class ViewerType {
  @Field(() => RoleEnum)
  role!: RoleEnum;

  @Field(() => String, { nullable: true, description: 'The grid whose subtree the token sees; null for the operator.' })
  scope!: string | null;
}

@ObjectType('IssuedToken')
export class IssuedTokenType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The bearer token. Shown once; only its hash is stored.' })
  token!: string;

  @Field(() => RoleEnum)
  role!: RoleEnum;

  @Field(() => String, { nullable: true })
  grid!: string | null;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType('ApiToken', { description: 'A bearer token as its issuer sees it later: never its secret.' })
export class ApiTokenType {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => RoleEnum)
  role!: RoleEnum;

  @Field(() => String, { nullable: true })
  grid!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

export const toApiToken = (t: { id: number; label?: string | null; role: string; grid?: { code: string } | null; createdAt: Date; expiresAt: Date; revokedAt?: Date | null }): ApiTokenType =>
  Object.assign(new ApiTokenType(), { id: String(t.id), label: t.label ?? null, role: t.role as RoleEnum, grid: t.grid ? t.grid.code : null, createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt ?? null });
