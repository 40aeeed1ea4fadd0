import { registerEnumType } from 'type-graphql';
import { GRID_LEVELS, RISK_COLOURS } from '../domain/grid-levels.js';
import { MEMBER_ROLES, ROLES } from '../domain/roles.js';
import { GRID_CHANGE_KINDS } from '../infra/pubsub.js';

/**
 * A GraphQL enum built from a domain table, in the table's order: upper-case names, the
 * domain's own values (`['micro_grid']` → `{ MICRO_GRID: 'micro_grid' }`). Every schema enum
 * comes from here, so a value added to the domain reaches the API without a second list.
 */
export function enumOf<const T extends string>(values: readonly T[]): { readonly [K in T as Uppercase<K>]: K } {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as { readonly [K in T as Uppercase<K>]: K };
}

/** The values of an enum built by {@link enumOf}, as a type. */
export type EnumValue<E> = E[keyof E];

export const GridLevelEnum = enumOf(GRID_LEVELS);
export type GridLevelEnum = EnumValue<typeof GridLevelEnum>;
registerEnumType(GridLevelEnum, { name: 'GridLevel', description: 'Ordered grid levels, city at the top, unit at the leaves.' });

export const RiskColourEnum = enumOf(RISK_COLOURS);
export type RiskColourEnum = EnumValue<typeof RiskColourEnum>;
registerEnumType(RiskColourEnum, { name: 'RiskColor', description: 'green 日常管理, yellow 一般防范, red 重点治理.' });

export const RoleEnum = enumOf(ROLES);
export type RoleEnum = EnumValue<typeof RoleEnum>;
registerEnumType(RoleEnum, { name: 'Role' });

export const MemberRoleEnum = enumOf(MEMBER_ROLES);
export type MemberRoleEnum = EnumValue<typeof MemberRoleEnum>;
registerEnumType(MemberRoleEnum, { name: 'MemberRole' });

export const GridChangeKindEnum = enumOf(GRID_CHANGE_KINDS);
export type GridChangeKindEnum = EnumValue<typeof GridChangeKindEnum>;
registerEnumType(GridChangeKindEnum, { name: 'GridChangeKind' });
