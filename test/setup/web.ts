import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hub } from '../../src/app';
import { startTestHub, testDatabase } from './hub';

/** Where `npm run build` puts the page (web/vite.config.mts). */
export const WEB_DIST = resolve(__dirname, '../../dist/web');
/** Screenshots of the main views, one per test run (kept out of git). */
export const SCREENSHOTS = resolve(__dirname, '../../.data/e2e');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
const PROXIED = /^\/(graphql|photos|bot\/login)(\/|\?|$)/;

/**
 * Serves dist/web and forwards the API paths (HTTP and the graphql-ws upgrade) to the hub, so the
 * page is same-origin as it will be once the hub serves it itself. For the browser tests only.
 */
export async function startWebServer(hubUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html is missing: run \`npm run build\` first`);
  const hub = new URL(hubUrl);
  const forward = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const upstream = httpRequest({ host: hub.hostname, port: hub.port, method: req.method, path: req.url, headers: { ...req.headers, host: hub.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('hub unreachable')));
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (PROXIED.test(path)) return forward(req, res);
    const file = normalize(join(WEB_DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(WEB_DIST) || !existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(Number(hub.port), hub.hostname, () => {
      const headers = Object.entries({ ...req.headers, host: hub.host }).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v}`]));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    const end = () => (upstream.destroy(), socket.destroy());
    upstream.on('error', end);
    socket.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Debian's chromium, driven by playwright-core (nothing downloaded). `.ci/run` installs it. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`the browser tests need Chromium at ${executablePath}: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/** A page at 1440×900 that fails the test on an uncaught error in the page. */
export async function openPage(browser: Browser, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A demo hub with its bots, the page in front of it, and a browser: what every browser test needs. */
export interface CommandCentre {
  hub: Hub;
  web: { url: string };
  browser: Browser;
  databaseUrl: string;
  stop(): Promise<void>;
}

export async function startCommandCentre(): Promise<CommandCentre> {
  const db = await testDatabase('demo');
  const hub = await startTestHub({ databaseUrl: db.url, bots: true });
  const web = await startWebServer(hub.url);
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await web.close();
    await hub.stop();
    await db.drop();
    throw err;
  });
  return {
    hub,
    web,
    browser,
    databaseUrl: db.url,
    async stop() {
      await browser.close();
      await web.close();
      await hub.stop();
      await db.drop();
    },
  };
}

/** Opens the page signed in with `token` through the URL fragment, as a shared link would. */
export async function signedIn(page: Page, webUrl: string, token: string, path = '/'): Promise<void> {
  await page.goto(`${webUrl}#token=${encodeURIComponent(token)}`);
  await page.locator('[data-live="online"]').waitFor({ timeout: 30_000 });
  if (path !== '/') await page.goto(`${webUrl}#${path}`);
}

/**
 * Registers the hooks of a browser test file: one command centre for the file, a fresh page per
 * test that fails the test on any uncaught error in the page. Read both through the getters.
 */
export function commandCentreSuite(): { cc(): CommandCentre; page(): Page } {
  let cc: CommandCentre | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    cc = await startCommandCentre();
  });
  afterAll(async () => {
    await cc?.stop();
  });
  beforeEach(async () => {
    pageErrors.length = 0;
    page = await openPage(cc!.browser, pageErrors);
  });
  afterEach(async () => {
    await page?.close();
    expect(pageErrors).toEqual([]);
  });
  return { cc: () => cc!, page: () => page! };
}
