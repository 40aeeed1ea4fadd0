jest.setTimeout(180000);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { MIGRATIONS } from '../../migrations/index';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/infra/database-admin';
import type * as Op from '../generated/operations';
import { GRID, GRID_CHANGED, RENAME_GRID, VIEWER } from '../operations';
import { redisPrefix, testRedisUrl, useDatabase } from '../setup/hub';
import { runCli, startServe, type Running } from '../setup/processes';

const post = async (url: string, token: string, query: string, variables?: object) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> } };
};

describe('configuration', () => {
  it.each([
    ['PORT', 'not-a-port'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://localhost'],
    ['TZ_GRID', 'Mars/Olympus'],
    ['WECHATY_PUPPET', 'wechaty-puppet-nope'],
    ['ADMIN_TOKEN', 'short'],
    ['DEADLINE_POLICY', '{"categories":{"sanitation":{"normal":-1}}}'],
    ['DEADLINE_POLICY', 'not json'],
  ])('a bad %s stops start-up with one line naming it', async (name, value) => {
    const r = await runCli(['serve'], { [name]: value });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
  });
});

describe('the gridhub command line against PostgreSQL', () => {
  const db = useDatabase('demo');
  const running: Running[] = [];
  db.cleanup(async () => {
    for (const r of running) if (r.child.exitCode === null) await r.stop();
  });

  it('reports the migrations up to date and the seed already loaded', async () => {
    const check = await runCli(['migrate', '--check'], { DATABASE_URL: db.url });
    expect(check).toMatchObject({ code: 0 });
    expect(check.stdout).toMatch(/up to date/);
    const seed = await runCli(['seed', '--demo'], { DATABASE_URL: db.url });
    expect(seed.stdout).toMatch(/already seeded/);
  });

  it('`gridhub migrate` counts the migrations it applies to a new database, then finds it up to date', async () => {
    const server = process.env['GRIDHUB_TEST_PG']!;
    const name = `gridhub_t_migrate_${process.pid}`;
    await ensureDatabase(withDatabase(server, 'postgres'), name);
    try {
      const url = withDatabase(server, name);
      expect(await runCli(['migrate'], { DATABASE_URL: url })).toMatchObject({ code: 0, stdout: `applied ${MIGRATIONS.length} migration(s)\n` });
      expect(await runCli(['migrate'], { DATABASE_URL: url })).toMatchObject({ code: 0, stdout: 'database is up to date\n' });
    } finally {
      await dropDatabase(withDatabase(server, 'postgres'), name);
    }
  });

  it('mints a scoped token with `gridhub token`, and refuses an unknown grid or role', async () => {
    const ok = await runCli(['token', '--role', 'chief', '--grid', 'XHG-B03-C07'], { DATABASE_URL: db.url });
    expect(ok.code).toBe(0);
    const token = ok.stdout.trim();
    expect(token).toMatch(/^gh_\d+_/);
    const bad = await runCli(['token', '--role', 'chief', '--grid', 'NOPE'], { DATABASE_URL: db.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NOPE not found/);
    const badRole = await runCli(['token', '--role', 'mayor', '--grid', 'XHG'], { DATABASE_URL: db.url });
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/expected one of/);

    const hub = await startServe({ DATABASE_URL: db.url, ADMIN_TOKEN: 'x'.repeat(32) });
    running.push(hub);
    const viewer = await post(hub.url, token, VIEWER);
    expect(viewer.body.data).toEqual({ viewer: { role: 'CHIEF', scope: 'XHG-B03-C07' } });
    // The page's URL beside the GraphQL one (npm run build built dist/web).
    expect(hub.output()).toContain(`command centre page: ${hub.url.replace(/graphql$/, '')} `);
    expect(await hub.stop()).toBe(0);
  });

  it('two hub processes share live events through Redis, and both shut down cleanly on SIGTERM', async () => {
    const env = { DATABASE_URL: db.url, REDIS_URL: await testRedisUrl(), REDIS_PREFIX: redisPrefix(), ADMIN_TOKEN: 'y'.repeat(32) };
    const [one, two] = await Promise.all([startServe(env), startServe(env)]);
    running.push(one!, two!);
    const ready = await fetch(two!.url.replace('/graphql', '/readyz'));
    expect(await ready.json()).toMatchObject({ checks: { database: true, redis: true } });

    const client = createClient({ url: two!.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${env.ADMIN_TOKEN}` }, retryAttempts: 0 });
    const received = new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: GRID_CHANGED, variables: { scope: 'XHG-B02' } }, { next: resolve, error: reject, complete: () => undefined });
    });
    await new Promise((r) => setTimeout(r, 500));
    const renamed = await post(one!.url, env.ADMIN_TOKEN, RENAME_GRID, { code: 'XHG-B02-C02', name: '机场路社区（试点）' });
    expect(renamed.body.errors).toBeUndefined();
    expect(await received).toMatchObject({ data: { gridChanged: { kind: 'RENAMED', code: 'XHG-B02-C02' } } });

    // SIGTERM with a client still connected: the socket is closed and the process exits 0.
    const closed = new Promise<void>((resolve) => client.on('closed', () => resolve()));
    expect(await two!.stop()).toBe(0);
    await closed;
    expect(await one!.stop()).toBe(0);
    expect(two!.output()).toMatch(/shutting down/);
    await client.dispose();
  });
});

describe('the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridhub-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts a real PostgreSQL under DATA_DIR, seeds the demo city, and keeps it across a restart', async () => {
    const env = { DATA_DIR: dataDir };
    const coldStart = Date.now();
    const first = await startServe(env, 120000);
    const cold = Date.now() - coldStart;
    expect(first.adminToken).toMatch(/^gh_/);
    const grid = await post(first.url, first.adminToken!, GRID, { code: 'XHG-B03-C07-M12' });
    expect((grid.body.data as Op.GridQuery).grid.name).toBe('怡心社区第12微网格');
    await post(first.url, first.adminToken!, RENAME_GRID, { code: 'XHG-B01', name: '改名后的片区' });
    expect(await first.stop()).toBe(0);

    const warmStart = Date.now();
    const second = await startServe(env, 60000);
    const warm = Date.now() - warmStart;
    // The generated operator token is printed again and still works; the rename survived.
    expect(second.adminToken).toBe(first.adminToken);
    const after = await post(second.url, second.adminToken!, GRID, { code: 'XHG-B01' });
    expect((after.body.data as Op.GridQuery).grid.name).toBe('改名后的片区');
    expect(await second.stop()).toBe(0);
    process.stdout.write(`embedded start: cold ${cold} ms, warm ${warm} ms\n`);
  });
});
