import type { Actor } from '../domain/actor.js';
import { isDomainError } from '../domain/errors.js';
import { rateLimited } from '../infra/rate-limits.js';
import { OPERATOR } from '../domain/actor.js';
import { createScope } from '../scope.js';
import type { AppDeps } from '../services/context.js';

/** Resolves a bearer token presented from `ip` to an actor, or throws UNAUTHENTICATED / RATE_LIMITED. */
export type Authenticate = (token: string | null, ip?: string | null) => Promise<Actor>;

/**
 * Token checks for every HTTP and WebSocket entry, with failed attempts counted per client IP
 * (RATE_LIMIT_FAILED_AUTH): past the budget an address is refused with RATE_LIMITED until its
 * window ends, before its token is even looked at, so tokens cannot be guessed at speed.
 */
export function clientAuthenticate(deps: AppDeps): Authenticate {
  return async (token, ip) => {
    const key = ip ?? 'unknown';
    const blocked = await deps.limits.peek('failedAuth', key);
    if (!blocked.allowed) throw rateLimited('failedAuth', blocked, 'failed token attempts from this address');
    try {
      return await createScope(deps, OPERATOR).auth.authenticate(token);
    } catch (err) {
      // A request without any token is no guess at one.
      if (isDomainError(err) && err.code === 'UNAUTHENTICATED' && token) await deps.limits.take('failedAuth', key);
      throw err;
    }
  };
}
