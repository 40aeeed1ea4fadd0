import { timingSafeEqual } from 'node:crypto';
import type express from 'express';
import { isDomainError } from '../domain/errors.js';
import type { Logger } from '../infra/logger.js';
import type { HubMetrics } from '../infra/metrics.js';
import { bearer } from '../services/auth.service.js';
import type { Authenticate } from './client-auth.js';
import { sendJsonError } from './route-errors.js';

export interface MetricsRouteOptions {
  metrics: HubMetrics;
  /** METRICS_TOKEN and METRICS_LOCALHOST. */
  access: { readonly token: string | undefined; readonly localhost: boolean };
  /** Resolves a bearer token from a client IP to an actor (the operator may read the metrics too). */
  authenticate: Authenticate;
  log: Logger;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * GET /metrics in Prometheus's text format. Who may read it: a caller on the loopback
 * interface (unless METRICS_LOCALHOST=off, e.g. behind a reverse proxy on the same host, where
 * every request comes from 127.0.0.1), a request bearing METRICS_TOKEN, or the operator (an
 * admin token), as a Bearer header only.
 */
export function metricsRoute(app: express.Express, opts: MetricsRouteOptions): void {
  const allowed = async (req: express.Request): Promise<'ok' | 401 | 403> => {
    if (opts.access.localhost && LOOPBACK.test(req.socket.remoteAddress ?? '')) return 'ok';
    const token = bearer(req.headers.authorization);
    if (!token) return 401;
    if (opts.access.token && sameSecret(token, opts.access.token)) return 'ok';
    try {
      // Failed tokens count against the caller's address, as on every route: a stranger's
      // guesses lock out the stranger, not the operator.
      return (await opts.authenticate(token, req.ip)).role === 'admin' ? 'ok' : 403;
    } catch (err) {
      // Too many failed tokens from this address is 429 with Retry-After (sendJsonError), not 401.
      if (isDomainError(err) && err.code !== 'RATE_LIMITED') return 401;
      throw err;
    }
  };
  app.get('/metrics', (req, res) => {
    allowed(req)
      .then(async (verdict) => {
        if (verdict !== 'ok') {
          if (verdict === 401) res.setHeader('www-authenticate', 'Bearer realm="gridhub metrics"');
          res.status(verdict).json({ error: { code: verdict === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: 'the metrics are for the operator, METRICS_TOKEN or localhost' } });
          return;
        }
        const text = await opts.metrics.registry.metrics();
        res.setHeader('content-type', opts.metrics.registry.contentType);
        res.send(text);
      })
      .catch((err: unknown) => sendJsonError(res, err, opts.log, 'metrics failed'));
  });
}
