import cors from 'cors';
import type express from 'express';
import type { IncomingMessage } from 'node:http';

/** The paths a page on another origin may call (CORS_ORIGINS). */
export const CORS_PATHS = ['/graphql', '/photos', '/bot/login'];

/** Whether a browser page at `origin` may use the API: same origin as the request, or listed in CORS_ORIGINS. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: '*' | readonly string[]): boolean {
  // Not a browser (graphql-ws in Node, curl, the bots' tools): no Origin to check.
  if (origin === undefined) return true;
  if (allowed === '*' || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** CORS on the API paths for CORS_ORIGINS (nothing is added when the list is empty). Bearer tokens, no cookies. */
export function corsRoutes(app: express.Express, allowed: '*' | readonly string[]): void {
  if (allowed !== '*' && allowed.length === 0) return;
  app.use(CORS_PATHS, cors({ origin: allowed === '*' ? '*' : [...allowed], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 }));
}

/** The WebSocket upgrade's Origin check (`ws`'s `verifyClient`): a page elsewhere may not open /graphql unless listed. */
export const verifyOrigin =
  (allowed: '*' | readonly string[]) =>
  (info: { origin: string; req: IncomingMessage }): boolean =>
    originAllowed(info.req.headers.origin, info.req.headers.host, allowed);
