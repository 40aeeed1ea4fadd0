import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../infra/logger.js';
import { PACKAGE_ROOT } from '../infra/package-root.js';

/** Where `npm run build` puts the command centre page (web/vite.config.mts). */
export const WEB_DIST = join(PACKAGE_ROOT, 'dist', 'web');

/** HTML is revalidated on every load so a new build is picked up at once. */
const HTML_HEADERS = { 'Cache-Control': 'no-cache' };

export interface WebRouteOptions {
  log: Logger;
  /** The built page (default dist/web). */
  dir?: string;
}

/**
 * The command centre page at `/` and the GraphQL explorer at GET `/graphql` (a browser asking
 * for HTML), both from the Vite build: HTML with `no-cache`, the content-hashed `/assets/*`
 * cached for a year as immutable. Nothing comes from a CDN. When the page is not built the hub
 * still serves the API and says so in the log. Returns whether the page is served.
 */
export function webRoutes(app: express.Express, opts: WebRouteOptions): boolean {
  const dir = opts.dir ?? WEB_DIST;
  if (!existsSync(join(dir, 'index.html'))) {
    opts.log.warn({ dir }, 'the command centre page is not built (run `npm run build`): / and the GraphQL explorer are not served');
    return false;
  }
  const html = (file: string): express.RequestHandler => (_req, res, next) => {
    res.sendFile(join(dir, file), { cacheControl: false, headers: HTML_HEADERS }, (err) => err && next(err));
  };
  app.get(['/', '/index.html'], html('index.html'));
  // Only a browser navigating to /graphql gets the explorer; GET queries (`?query=`) and JSON clients reach Apollo.
  app.get('/graphql', (req, res, next) => {
    if (req.query['query'] !== undefined || req.accepts(['application/json', 'text/html']) !== 'text/html') return next();
    html('explorer.html')(req, res, next);
  });
  app.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  return true;
}
