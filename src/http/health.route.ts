import type express from 'express';
import { unhandledRejections } from '../infra/process-guards.js';

/** What /readyz checks beyond the process being up: each value true, 'ok' or 'disabled' when fine. */
export type Readiness = () => Promise<Record<string, boolean | string>>;

/** GET /healthz (the process answers, with the unhandled rejections it survived) and GET /readyz (its dependencies answer: 200 or 503). */
export function healthRoutes(app: express.Express, readiness: Readiness): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', unhandledRejections: unhandledRejections() });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await readiness();
    const ready = Object.values(checks).every((v) => v === true || v === 'ok' || v === 'disabled');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
}
