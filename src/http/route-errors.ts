import type express from 'express';
import { isDomainError, type DomainError, type DomainErrorCode } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../infra/database-errors.js';
import type { Logger } from '../infra/logger.js';
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE } from '../resolvers/errors.js';

/** HTTP status per domain error code on the plain HTTP routes (400 for any code a route leaves out). */
export const HTTP_STATUS: Readonly<Record<DomainErrorCode, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409, RATE_LIMITED: 429 };

/** A failed request as a plain HTTP route reports it; each route writes it in its own format. */
export interface RouteFailure {
  status: number;
  code: DomainErrorCode | typeof SERVICE_UNAVAILABLE;
  message: string;
  /** When to come back (a rate limit's window, the database's return): sent as Retry-After. */
  retryAfterSeconds: number | null;
}

const retryAfterOf = (err: DomainError): number | null => {
  const d = err.detail as { retryAfterSeconds?: unknown } | undefined;
  return typeof d?.retryAfterSeconds === 'number' ? d.retryAfterSeconds : null;
};

/**
 * What every plain HTTP route answers for an error: a domain error with the route's status for
 * its code; a database that cannot be reached, 503 SERVICE_UNAVAILABLE with Retry-After (as
 * /graphql and the WebSocket say); anything else null: a bug the route logs and masks as a 500.
 */
export function routeFailure(err: unknown, statuses: Partial<Record<DomainErrorCode, number>> = HTTP_STATUS): RouteFailure | null {
  if (isDomainError(err)) return { status: statuses[err.code] ?? 400, code: err.code, message: err.message, retryAfterSeconds: retryAfterOf(err) };
  if (isDatabaseUnavailable(err)) return { status: 503, code: SERVICE_UNAVAILABLE, message: UNAVAILABLE_MESSAGE, retryAfterSeconds: RETRY_AFTER_SECONDS };
  return null;
}

/** Sets a failure's status and Retry-After on the response; the route writes the body. */
export function failWith(res: express.Response, failure: RouteFailure): express.Response {
  if (failure.retryAfterSeconds !== null) res.set('retry-after', String(failure.retryAfterSeconds));
  return res.status(failure.status);
}

/**
 * The JSON routes' answer to an error: `{ error: { code, message, retryAfterSeconds? } }`;
 * an unexpected error is logged as `what` and answered 500 without details.
 */
export function sendJsonError(res: express.Response, err: unknown, log: Logger, what: string): void {
  const failure = routeFailure(err);
  if (!failure) {
    log.error({ err }, what);
    res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } });
    return;
  }
  const { code, message, retryAfterSeconds } = failure;
  failWith(res, failure).json({ error: { code, message, ...(retryAfterSeconds === null ? {} : { retryAfterSeconds }) } });
}
