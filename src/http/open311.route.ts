import express from 'express';
import { OPERATOR, type Actor } from '../domain/actor.js';
import { DomainError, isDomainError, type DomainErrorCode } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import { createScope, type Scope } from '../scope.js';
import { bearer } from '../services/auth.service.js';
import { clientAuthenticate } from './client-auth.js';
import { failWith, routeFailure } from './route-errors.js';
import type { AppDeps } from '../services/context.js';
import type { Open311Params } from '../services/open311.service.js';
import { toXml } from './xml.js';

/** HTTP status per domain error code, as GeoReport v2 names them (an invalid api_key is 403). */
const STATUS: Partial<Record<DomainErrorCode, number>> = { UNAUTHENTICATED: 403, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, CONFLICT: 409, RATE_LIMITED: 429 };

type Format = 'json' | 'xml';
/** The XML wrapper and item element of each answer (GeoReport v2's XML examples). */
type Shape = 'services' | 'requests';
const WRAP: Record<Shape, [string, string]> = { services: ['services', 'service'], requests: ['service_requests', 'request'] };

const BASE = '/open311/v2';

function send(res: express.Response, format: Format, shape: Shape, items: readonly object[], status = 200): void {
  res.status(status);
  if (format === 'json') {
    res.json(items);
    return;
  }
  const [outer, inner] = WRAP[shape];
  res.type('application/xml').send(toXml({ [outer]: { [inner]: items } }));
}

function sendError(res: express.Response, format: Format, status: number, description: string): void {
  const errors = [{ code: status, description }];
  res.status(status);
  if (format === 'json') res.json(errors);
  else res.type('application/xml').send(toXml({ errors: { error: errors } }));
}

/** Flattens a query string or form body to the spec's single string parameters. */
const paramsOf = (source: unknown): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries((source ?? {}) as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined]));

/**
 * Open311 GeoReport v2 under /open311/v2: services, requests (POST a report, GET by window or
 * id) and tokens, each as `.json` or `.xml`. The `api_key` (parameter, or a Bearer header) is a
 * GridHub token; services.json alone needs none.
 */
export function open311Routes(app: express.Express, deps: AppDeps, log: Logger): void {
  const authenticate = clientAuthenticate(deps);
  const handle =
    (shape: Shape, status: number, fn: (scope: Scope, params: Open311Params, match: string | undefined) => Promise<readonly object[]>, open = false) =>
    (req: express.Request, res: express.Response) => {
      const m = req.params as Record<string, string>;
      const format = (m['1'] ?? m['0']) === 'xml' ? 'xml' : 'json';
      const params: Open311Params = { ...paramsOf(req.query), ...paramsOf(req.body) };
      const key = params['api_key'] ?? bearer(req.headers.authorization);
      const actor: Promise<Actor> = open ? Promise.resolve(OPERATOR) : key ? authenticate(key, req.ip) : Promise.reject(new DomainError('UNAUTHENTICATED', 'no api_key'));
      actor
        .then(
          async (a) => send(res, format, shape, await fn(createScope(deps, a), params, m['1'] === undefined ? undefined : m['0']), status),
          (err: unknown) => {
            // A key that is missing or not known is GeoReport's 403; too many failed keys from this
            // address (429) and a database that is away (503) are said like on every other route.
            if (isDomainError(err) && err.code !== 'RATE_LIMITED') throw new DomainError('UNAUTHENTICATED', 'api_key is missing or invalid');
            throw err;
          },
        )
        .catch((err: unknown) => {
          const failure = routeFailure(err, STATUS);
          if (!failure) {
            log.error({ err }, 'Open311 request failed');
            sendError(res, format, 500, 'internal error');
            return;
          }
          failWith(res, failure);
          sendError(res, format, failure.status, failure.message);
        });
    };

  const body = [express.urlencoded({ extended: false, limit: '64kb' }), express.json({ limit: '64kb' })];
  app.get(new RegExp(`^${BASE}/services\\.(json|xml)$`), handle('services', 200, async (s) => s.open311.services(), true));
  app.post(new RegExp(`^${BASE}/requests\\.(json|xml)$`), ...body, handle('requests', 201, async (s, p) => [await s.open311.submit(s.actor, p)]));
  app.get(new RegExp(`^${BASE}/requests\\.(json|xml)$`), handle('requests', 200, (s, p) => s.open311.list(s.actor, p)));
  app.get(new RegExp(`^${BASE}/requests/([^/]+)\\.(json|xml)$`), handle('requests', 200, async (s, _p, id) => [await s.open311.get(s.actor, id!)]));
  app.get(new RegExp(`^${BASE}/tokens/([^/]+)\\.(json|xml)$`), handle('requests', 200, async (s, _p, token) => [await s.open311.token(s.actor, token!)]));
  app.use(BASE, (err: { type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.type === 'entity.too.large' || err.type === 'entity.parse.failed') {
      sendError(res, 'json', 400, 'the request body is too large or malformed');
      return;
    }
    next(err);
  });
}
