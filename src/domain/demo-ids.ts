/**
 * The ids demo mode gives its mock WeChat world, in one place: the demo world creates them,
 * bulk inserts build them in SQL, and retiring the demo finds them with LIKE. Real WeChat ids
 * never start with `demo-`.
 */

/** A family of ids `prefix + key + suffix`, with the same shape for TypeScript and SQL. */
export interface IdPattern<K extends string | number> {
  readonly prefix: string;
  readonly suffix: string;
  of(key: K): string;
  /** A SQL LIKE pattern matching every id of the family. */
  readonly like: string;
}

const pattern = <K extends string | number>(prefix: string, suffix = ''): IdPattern<K> => ({
  prefix,
  suffix,
  of: (key) => `${prefix}${key}${suffix}`,
  like: `${prefix}%${suffix}`,
});

/** The demo world's bot account. */
export const DEMO_ACCOUNT = 'demo';

/** The demo bot's own contact. */
export const DEMO_BOT_CONTACT_ID = 'demo-bot';

/** A grid's mock group, by grid code (room ids must contain `@`). */
export const DEMO_ROOM = pattern<string>('demo-', '@chatroom');

/** A member's mock contact, by member id. */
export const DEMO_MEMBER_CONTACT = pattern<number>('demo-m');

/** The resident who speaks in a grid's group, by grid id. */
export const DEMO_RESIDENT_CONTACT = pattern<number>('demo-r');

/** Someone the hub does not know, by the hex of their name. */
export const DEMO_GUEST_CONTACT = pattern<string>('demo-x-');
