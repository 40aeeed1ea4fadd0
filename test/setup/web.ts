import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { useHub, type HubFixture } from './hub';

/** Screenshots of the main views, one per test run (kept out of git). */
export const SCREENSHOTS = resolve(__dirname, '../../.data/e2e');

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

/** A demo hub with its bots serving the page, and a browser: what every browser test needs. */
export interface CommandCentre extends HubFixture {
  /** The page as the hub serves it (`/`). */
  readonly pageUrl: string;
  readonly browser: Browser;
}

/**
 * The browser tests' fixture: `useHub` (demo city, bots on) and one Chromium for the file,
 * closed before the hub stops. The page is the hub's own static serving, as `npm start` gives it.
 */
export function useCommandCentre(): CommandCentre {
  const t = useHub({ bots: true });
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!t.hub.pageUrl) throw new Error('the hub serves no page: dist/web is missing, run `npm run build` first');
    browser = await launchBrowser();
    t.cleanup(() => browser?.close());
  });
  return Object.create(t, {
    pageUrl: { get: () => t.hub.pageUrl! },
    browser: {
      get: () => {
        if (!browser) throw new Error('the browser exists only inside tests and hooks');
        return browser;
      },
    },
  }) as CommandCentre;
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
export function commandCentreSuite(): { cc: CommandCentre; page(): Page } {
  const cc = useCommandCentre();
  let page: Page | undefined;
  const pageErrors: string[] = [];
  beforeEach(async () => {
    pageErrors.length = 0;
    page = await openPage(cc.browser, pageErrors);
  });
  afterEach(async () => {
    await page?.close();
    expect(pageErrors).toEqual([]);
  });
  return { cc, page: () => page! };
}
