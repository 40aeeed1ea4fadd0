/**
 * Roles of the people in the grid teams (docs/domain-rules.md#roles) plus the operator. What each role may do
 * is a table here, so services check one place and help texts can print from it.
 */
export const MEMBER_ROLES = ['commander', 'instructor', 'chief', 'worker', 'assistant', 'volunteer', 'department', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
/** The operator holding ADMIN_TOKEN or an admin-minted admin token. */
export type Role = MemberRole | 'admin';
export const ROLES: readonly Role[] = [...MEMBER_ROLES, 'admin'];
/**
 * Who can act: a role, or `resident`, a WeChat contact not bound to any member (网格粉丝) who
 * may report in a grid's group and is confined to that grid.
 */
export type ActorRole = Role | 'resident';

export const ROLE_LABELS: Record<Role, string> = {
  commander: '指挥长',
  instructor: '网格指导员',
  chief: '网格长',
  worker: '网格员',
  assistant: '网格助理员',
  volunteer: '志愿者',
  department: '职能部门',
  viewer: '查看者',
  admin: '管理员',
};

export const ACTOR_ROLE_LABELS: Record<ActorRole, string> = { ...ROLE_LABELS, resident: '群众' };

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
export const isMemberRole = (value: string): value is MemberRole => (MEMBER_ROLES as readonly string[]).includes(value);

/** Administrative acts on the grid tree and its people. */
export type AdminAction = 'grid.create' | 'grid.rename' | 'grid.recolour' | 'grid.move' | 'grid.delete' | 'member.register' | 'department.create' | 'token.mint' | 'token.revoke' | 'group.bind' | 'bot.manage';

const ADMIN_ACTIONS: Record<AdminAction, readonly Role[]> = {
  'grid.create': ['admin', 'commander'],
  'grid.rename': ['admin', 'commander'],
  'grid.recolour': ['admin', 'commander', 'instructor', 'chief'],
  'grid.move': ['admin'],
  'grid.delete': ['admin', 'commander'],
  'member.register': ['admin', 'commander', 'chief'],
  'department.create': ['admin', 'commander'],
  'token.mint': ['admin', 'commander'],
  'token.revoke': ['admin', 'commander'],
  'group.bind': ['admin', 'commander'],
  'bot.manage': ['admin'],
};

export const mayDo = (role: ActorRole, action: AdminAction): boolean => role !== 'resident' && ADMIN_ACTIONS[action].includes(role);
export const rolesFor = (action: AdminAction): readonly Role[] => ADMIN_ACTIONS[action];

/**
 * Rank of each role for handing out roles: a registrar may give a member only a role ranked
 * strictly below their own (a chief cannot register a commander and bind their WeChat to it).
 * Departments and viewers only watch or take dispatched work: they rank lowest.
 */
const ROLE_RANK: Record<ActorRole, number> = {
  admin: 100,
  commander: 80,
  instructor: 70,
  chief: 60,
  worker: 40,
  assistant: 30,
  volunteer: 20,
  department: 10,
  viewer: 10,
  resident: 0,
};

/** Whether `actor` may give someone the role `granted` (strictly below their own; the operator may give any). */
export const mayGrantRole = (actor: ActorRole, granted: Role): boolean => actor === 'admin' || ROLE_RANK[granted] < ROLE_RANK[actor];

/** Viewers only watch; departments take dispatched work: neither reports incidents. */
const NOT_REPORTING: readonly ActorRole[] = ['viewer', 'department'];

/** Whether `role` may report an incident (residents report in their grid's group). */
export const mayReport = (role: ActorRole): boolean => !NOT_REPORTING.includes(role);

/**
 * Who may upload photos: `always` those who report and work incidents; `dispatched` a
 * department only while an incident dispatched to it is open (its after-photo); `never` those
 * who only watch.
 */
export type UploadRight = 'always' | 'dispatched' | 'never';

export const UPLOAD_RIGHTS: Record<ActorRole, UploadRight> = {
  admin: 'always',
  commander: 'always',
  instructor: 'always',
  chief: 'always',
  worker: 'always',
  assistant: 'always',
  volunteer: 'always',
  resident: 'always',
  department: 'dispatched',
  viewer: 'never',
};
