import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { DomainError, isDomainError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../infra/database-errors.js';
import type { Logger } from '../infra/logger.js';

/** Codes the API may show as they are; anything else is logged and masked. */
const PASS_THROUGH = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'SERVICE_UNAVAILABLE',
]);

/** The code of a request refused because a dependency (the database) is away for now: retry later. */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/** Seconds a client is told to wait before retrying a SERVICE_UNAVAILABLE answer (`Retry-After`, `extensions.retryAfterSeconds`). */
export const RETRY_AFTER_SECONDS = 5;

/** What a client is told while the database is away (GraphQL and the plain HTTP routes alike). */
export const UNAVAILABLE_MESSAGE = 'the database is unavailable; try again shortly';

/** The error a client sees while the database is away (HTTP 503 with Retry-After, see server.ts). */
export const unavailableError = (): GraphQLError =>
  new GraphQLError(UNAVAILABLE_MESSAGE, { extensions: { code: SERVICE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS, http: { status: 503, headers: new Map([['retry-after', String(RETRY_AFTER_SECONDS)]]) } } });

/** A GraphQLError carrying a domain code (for adapters that fail before a resolver runs). */
export const codedError = (code: DomainError['code'], message: string, httpStatus?: number): GraphQLError =>
  new GraphQLError(message, { extensions: { code, ...(httpStatus ? { http: { status: httpStatus } } : {}) } });

/**
 * A domain error thrown before any resolver (the request's token check) as a GraphQLError:
 * its code and retry time in `extensions`, and the HTTP status (401, 429 with Retry-After).
 */
export function requestError(err: DomainError): GraphQLError {
  const retry = (err.detail as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  const headers = new HeaderMap(retry === undefined ? [] : [['retry-after', String(retry)]]);
  return new GraphQLError(err.message, {
    extensions: { code: err.code, ...(retry === undefined ? {} : { retryAfterSeconds: retry }), http: { status: err.code === 'RATE_LIMITED' ? 429 : 401, headers } },
  });
}

/**
 * Apollo plugin: a response refused by a rate limit says when to come back (Retry-After, from
 * the error's `retryAfterSeconds`) and, when nothing of it succeeded, has status 429.
 */
export const rateLimitedResponses: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { errors, data } = response.body.singleResult;
        const limited = errors?.find((e) => e.extensions?.['code'] === 'RATE_LIMITED');
        if (!limited) return;
        const retry = limited.extensions?.['retryAfterSeconds'];
        if (typeof retry === 'number') response.http.headers.set('retry-after', String(retry));
        if (data == null) response.http.status = 429;
      },
    };
  },
};

/**
 * The one mapper from anything thrown to what a client sees: domain errors keep their code
 * and English message, with their detail's `reason` and parameters beside the code (never the
 * bot's Chinese), GraphQL's own request errors pass, everything else becomes an opaque
 * INTERNAL_SERVER_ERROR, except a database that cannot be reached, which is SERVICE_UNAVAILABLE
 * (logged as a warning: the operator sees it in /readyz and the metrics). Never a stack trace.
 */
export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}) };
    if (isDomainError(original)) {
      return { ...base, message: original.message, extensions: { ...(original.detail ?? {}), code: original.code } };
    }
    if (isDatabaseUnavailable(original)) {
      log.warn({ err: original instanceof Error ? original.message : String(original) }, 'database unavailable during a GraphQL operation');
      return { ...base, message: UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS } };
    }
    if (original instanceof ArgumentValidationError) {
      return { ...base, message: 'invalid arguments', extensions: { code: 'BAD_USER_INPUT' } };
    }
    const code = typeof formatted.extensions?.['code'] === 'string' ? formatted.extensions['code'] : undefined;
    if (code === SERVICE_UNAVAILABLE) return { ...base, message: formatted.message, extensions: { code, retryAfterSeconds: RETRY_AFTER_SECONDS } };
    if (code && PASS_THROUGH.has(code)) {
      const retry = formatted.extensions?.['retryAfterSeconds'];
      return { ...base, message: formatted.message, extensions: { code, ...(typeof retry === 'number' ? { retryAfterSeconds: retry } : {}) } };
    }
    // graphql-js reports bad variables and literal coercion without a code.
    if (!code && original instanceof GraphQLError && !original.originalError && !formatted.path) {
      return { ...base, message: formatted.message, extensions: { code: 'BAD_USER_INPUT' } };
    }
    log.error({ err: original instanceof Error ? { message: original.message, stack: original.stack } : original }, 'unexpected error in GraphQL operation');
    return { ...base, message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
