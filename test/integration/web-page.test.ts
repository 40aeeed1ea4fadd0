import express from 'express';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { webRoutes } from '../../src/http/web.route';
import { createLogger } from '../../src/infra/logger';
import { VIEWER } from '../operations';
import { useHub } from '../setup/hub';

const DASHBOARD = 'https://dash.example.org';
const t = useHub({ env: { CORS_ORIGINS: `${DASHBOARD},http://10.0.0.5:8080` } });
const base = () => t.hub.pageUrl!;

/** Opens the hub's WebSocket with an Origin header; resolves with the handshake's outcome. */
const upgrade = (origin: string | undefined) =>
  new Promise<number | 'open'>((resolve) => {
    const ws = new WebSocket(t.hub.url.replace(/^http/, 'ws'), 'graphql-transport-ws', origin ? { origin } : {});
    ws.on('open', () => (ws.close(), resolve('open')));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });

describe('the command centre page', () => {
  it('is served at / with no-cache, its hashed assets for a year as immutable, nothing from another host', async () => {
    expect(base()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(base());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    expect(html).toContain('GridHub 指挥中心');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:'));
    expect(assets.length).toBeGreaterThan(0);
    for (const url of assets) {
      expect(url).toMatch(/^\.\/assets\/[\w.-]+-[\w-]{8}\.(js|css)$/);
      const asset = await fetch(new URL(url, base()));
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await fetch(new URL('assets/nope-00000000.js', base()))).status).toBe(404);
  });

  it('a browser at /graphql gets the local explorer; GraphQL clients still get GraphQL', async () => {
    const explorer = await fetch(t.hub.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(explorer.status).toBe(200);
    expect(explorer.headers.get('cache-control')).toBe('no-cache');
    const html = await explorer.text();
    expect(html).toContain('GridHub GraphQL 调试台');
    expect(html).not.toMatch(/apollographql|cdn\.|unpkg|jsdelivr/i);
    const token = await t.token('VIEWER', 'XHG');
    const post = await fetch(t.hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: VIEWER }) });
    expect(await post.json()).toEqual({ data: { viewer: { role: 'VIEWER', scope: 'XHG' } } });
  });

  it('CORS_ORIGINS lets a listed dashboard call /graphql, /photos and /bot/login, and nobody else', async () => {
    for (const path of ['graphql', 'photos', 'bot/login']) {
      const preflight = await fetch(new URL(path, base()), { method: 'OPTIONS', headers: { origin: DASHBOARD, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
      const elsewhere = await fetch(new URL(path, base()), { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
      expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('the WebSocket upgrade opens for the same origin, a listed one, or no browser at all, and refuses other pages', async () => {
    expect(await upgrade(undefined)).toBe('open');
    expect(await upgrade(base().replace(/\/$/, ''))).toBe('open');
    expect(await upgrade(DASHBOARD)).toBe('open');
    expect(await upgrade('https://evil.example.com')).toBe(401);
  });
});

describe('CORS_ORIGINS', () => {
  it.each([
    ['https://a.example.org, http://10.0.0.5:8080', ['https://a.example.org', 'http://10.0.0.5:8080']],
    ['*', '*'],
    ['', []],
  ])('reads %j', (value, expected) => {
    expect(loadConfig({ CORS_ORIGINS: value }).corsOrigins).toEqual(expected);
  });

  it.each([['https://a.example.org/path'], ['a.example.org'], ['ftp://a.example.org'], ['*,https://a.example.org']])('refuses %j with one line naming the variable', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/^invalid configuration: CORS_ORIGINS /);
  });
});

it('without a built page the hub says so in the log and serves the API alone', () => {
  const lines: string[] = [];
  const log = createLogger('warn');
  const warn = jest.spyOn(log, 'warn').mockImplementation(((obj: unknown, msg?: string) => void lines.push(`${msg} ${JSON.stringify(obj)}`)) as never);
  const app = express();
  expect(webRoutes(app, { log, dir: mkdtempSync(join(tmpdir(), 'gridhub-no-web-')) })).toBe(false);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(lines[0]).toMatch(/command centre page is not built/);
});
