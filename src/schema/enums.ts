import { registerEnumType } from 'type-graphql';

/** GraphQL enums mirror the domain's tables (upper-case values, lower-case in the domain). */
export enum GridLevelEnum {
  CITY = 'city',
  DISTRICT = 'district',
  STREET = 'street',
  BLOCK = 'block',
  COMMUNITY = 'community',
  GRID = 'grid',
  MICRO_GRID = 'micro_grid',
  UNIT = 'unit',
}
registerEnumType(GridLevelEnum, { name: 'GridLevel', description: 'Ordered grid levels, city at the top, unit at the leaves.' });

export enum RiskColourEnum {
  GREEN = 'green',
  YELLOW = 'yellow',
  RED = 'red',
}
registerEnumType(RiskColourEnum, { name: 'RiskColor', description: 'green 日常管理, yellow 一般防范, red 重点治理.' });

export enum RoleEnum {
  COMMANDER = 'commander',
  INSTRUCTOR = 'instructor',
  CHIEF = 'chief',
  WORKER = 'worker',
  ASSISTANT = 'assistant',
  VOLUNTEER = 'volunteer',
  DEPARTMENT = 'department',
  VIEWER = 'viewer',
  ADMIN = 'admin',
}
registerEnumType(RoleEnum, { name: 'Role' });

export enum MemberRoleEnum {
  COMMANDER = 'commander',
  INSTRUCTOR = 'instructor',
  CHIEF = 'chief',
  WORKER = 'worker',
  ASSISTANT = 'assistant',
  VOLUNTEER = 'volunteer',
  DEPARTMENT = 'department',
  VIEWER = 'viewer',
}
registerEnumType(MemberRoleEnum, { name: 'MemberRole' });

export enum GridChangeKindEnum {
  CREATED = 'CREATED',
  RENAMED = 'RENAMED',
  RECOLOURED = 'RECOLOURED',
  MOVED = 'MOVED',
  DELETED = 'DELETED',
  MEMBER_REGISTERED = 'MEMBER_REGISTERED',
}
registerEnumType(GridChangeKindEnum, { name: 'GridChangeKind' });
