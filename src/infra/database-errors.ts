/**
 * Whether an error means "the database cannot be reached right now" (stopped, restarting,
 * refusing connections, a connection cut mid-query) rather than a bug or a bad statement.
 * Such a failure is worth retrying later: the API answers SERVICE_UNAVAILABLE (503) instead
 * of an opaque internal error, and the bot's inbox spools the message instead of losing it.
 */

/** Socket errors of a server that is not there (any more). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up), 53300
 * too_many_connections.
 */
const UNAVAILABLE_STATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** What `pg` and `knex` say without a code when a connection dies or none can be had. */
const UNAVAILABLE_MESSAGE = /Connection terminated|connection error and is not queryable|Timeout acquiring a connection|Client was closed and is not queryable|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command/i;

const MAX_DEPTH = 6;

function check(err: unknown, depth: number): boolean {
  if (!err || typeof err !== 'object' || depth > MAX_DEPTH) return false;
  const e = err as { code?: unknown; sqlState?: unknown; message?: unknown; cause?: unknown; previous?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || UNAVAILABLE_STATE.test(e.code))) return true;
  if (typeof e.sqlState === 'string' && UNAVAILABLE_STATE.test(e.sqlState)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  // MikroORM keeps the driver's error as `previous`, Node as `cause`, graphql-js as `originalError`;
  // a refused connection to a name with several addresses is an AggregateError.
  if ([e.cause, e.previous, e.originalError].some((inner) => inner !== err && check(inner, depth + 1))) return true;
  return Array.isArray(e.errors) && e.errors.some((inner) => check(inner, depth + 1));
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return check(err, 0);
}
