import { registerEnumType } from 'type-graphql';
import { GRID_LEVELS, RISK_COLOURS } from '../domain/grid-levels.js';
import { MEMBER_ROLES, ROLES } from '../domain/roles.js';
import { GRID_CHANGE_KINDS } from '../infra/pubsub.js';

type EnumConfig = Parameters<typeof registerEnumType>[1];

/**
 * A GraphQL enum built from a domain table and registered as `config.name`: the table's order,
 * upper-case names, the domain's own values (`['micro_grid']` → `{ MICRO_GRID: 'micro_grid' }`).
 * Every schema enum comes from here, so a value added to the domain reaches the API without a
 * second list.
 */
export function enumOf<const T extends string>(values: readonly T[], config: EnumConfig): { readonly [K in T as Uppercase<K>]: K } {
  const built = Object.fromEntries(values.map((v) => [v.toUpperCase(), v])) as { readonly [K in T as Uppercase<K>]: K };
  registerEnumType(built, config);
  return built;
}

/** The values of an enum built by {@link enumOf}, as a type. */
export type EnumValue<E> = E[keyof E];

export const GridLevelEnum = enumOf(GRID_LEVELS, { name: 'GridLevel', description: 'Ordered grid levels, city at the top, unit at the leaves.' });
export type GridLevelEnum = EnumValue<typeof GridLevelEnum>;

export const RiskColourEnum = enumOf(RISK_COLOURS, { name: 'RiskColor', description: 'green 日常管理, yellow 一般防范, red 重点治理.' });
export type RiskColourEnum = EnumValue<typeof RiskColourEnum>;

export const RoleEnum = enumOf(ROLES, { name: 'Role' });
export type RoleEnum = EnumValue<typeof RoleEnum>;

export const MemberRoleEnum = enumOf(MEMBER_ROLES, { name: 'MemberRole' });
export type MemberRoleEnum = EnumValue<typeof MemberRoleEnum>;

export const GridChangeKindEnum = enumOf(GRID_CHANGE_KINDS, { name: 'GridChangeKind' });
export type GridChangeKindEnum = EnumValue<typeof GridChangeKindEnum>;
