import { DomainError } from './errors.js';
import { isWithin } from './grid-levels.js';
import type { ActorRole } from './roles.js';

/**
 * Who is acting: a role and the grid subtree they may see, as an ltree path of grid ids.
 * The operator's path is '' (the whole tree).
 */
export interface Actor {
  /** A member's role, the operator's `admin`, or `resident` for an unbound WeChat contact. */
  readonly role: ActorRole;
  readonly path: string;
  readonly gridId: number | null;
  readonly gridCode: string | null;
  readonly memberId: number | null;
  readonly tokenId: number | null;
}

/** The operator: every grid, every act. Used by the CLI, seeding and ADMIN_TOKEN. */
export const OPERATOR: Actor = Object.freeze({ role: 'admin', path: '', gridId: null, gridCode: null, memberId: null, tokenId: null });


/** Refuses to reveal or touch a grid outside the actor's subtree, without saying whether it exists. */
export function assertVisible(actor: Actor, path: string, what: string): void {
  if (!isWithin(path, actor.path)) throw new DomainError('NOT_FOUND', `${what} not found in your scope`);
}

/** The ancestors' ids of an ltree path of ids, root first, the grid itself last. */
export const pathIds = (path: string): number[] => (path === '' ? [] : path.split('.').map(Number));
