import type express from 'express';
import type { Logger } from '../infra/logger.js';
import { createScope } from '../scope.js';
import { bearer } from '../services/auth.service.js';
import type { AppDeps } from '../services/context.js';
import type { Authenticate } from './client-auth.js';
import { sendJsonError } from './route-errors.js';

export interface ExportRouteOptions {
  deps: AppDeps;
  authenticate: Authenticate;
  log: Logger;
}

/**
 * GET /export/<incidents|receipts|clearance>.<csv|xlsx>?from=YYYY-MM-DD&to=YYYY-MM-DD[&scope=CODE]
 * with a bearer token: the same file as `gridhub export`, confined to the token's subtree.
 */
export function exportRoutes(app: express.Express, { deps, authenticate, log }: ExportRouteOptions): void {
  app.get(/^\/export\/(\w+)\.(\w+)$/, (req, res) => {
    const [what, format] = [(req.params as Record<string, string>)['0']!, (req.params as Record<string, string>)['1']!];
    const q = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    authenticate(bearer(req.headers.authorization), req.ip)
      .then((actor) => createScope(deps, actor).exports.export(actor, { what, format, from: q('from'), to: q('to'), scope: q('scope') || null }))
      .then((file) => {
        res.type(file.type).attachment(file.fileName).send(file.bytes);
      })
      .catch((err: unknown) => sendJsonError(res, err, log, 'export failed'));
  });
}
