import type express from 'express';
import QRCode from 'qrcode';
import type { AppDeps } from '../services/context.js';
import { bearer } from '../services/auth.service.js';
import type { BotsPort } from '../services/bots.port.js';
import { clientAuthenticate } from './client-auth.js';
import { sendJsonError } from './route-errors.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * GET /bot/login: the bot accounts' state and, for an account waiting for a scan (wechat4u),
 * its login QR code. The operator only (an admin token, as a Bearer header: never in the query
 * string, where it would land in logs and browser history): whoever scans the code logs their
 * WeChat in as the bot.
 * `Accept: application/json` gets JSON.
 */
export function botLoginRoute(app: express.Express, deps: AppDeps, bots: BotsPort | null): void {
  app.get('/bot/login', (req, res) => {
    clientAuthenticate(deps)(bearer(req.headers.authorization), req.ip)
      .then(async (actor) => {
        if (actor.role !== 'admin') {
          res.status(403).json({ error: { code: 'FORBIDDEN', message: 'only the operator sees the bot login' } });
          return;
        }
        const accounts = bots?.status() ?? [];
        if (req.accepts(['html', 'json']) === 'json') {
          res.json({ bots: accounts.map((b) => ({ ...b, since: b.since.toISOString() })) });
          return;
        }
        const rows = await Promise.all(
          accounts.map(async (b) => {
            const qr = b.qr ? `<img alt="QR" src="${await QRCode.toDataURL(b.qr, { margin: 1, width: 280 })}">` : '';
            return `<section><h2>${escapeHtml(b.name)}</h2><p>${escapeHtml(b.state)}${b.user ? ` as ${escapeHtml(b.user)}` : ''} since ${b.since.toISOString()}</p>${qr}</section>`;
          }),
        );
        res
          .type('html')
          .send(`<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>GridHub bot login</title><h1>GridHub bot login</h1>${rows.join('') || '<p>No bot is running.</p>'}`);
      })
      .catch((err: unknown) => sendJsonError(res, err, deps.log, 'bot login page failed'));
  });
}
