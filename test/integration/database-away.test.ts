jest.setTimeout(120_000);

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InboxOutcome } from '../../src/bots/inbox';
import type * as Op from '../generated/operations';
import { GRID } from '../operations';
import { ADMIN, until, useHub, type Hub } from '../setup/hub';
import { TcpProxy } from '../setup/tcp-proxy';

// One hub whose database connections go through a proxy this file cuts: the database "goes
// away" for this hub only (the machine's PostgreSQL keeps serving every other test).
const t = useHub({ bots: true, instances: 0 });
const M = 'XHG-B02-C03-M05';
let proxy: TcpProxy;
let hub: Hub;

const post = async (token: string, query: string, variables?: object) => {
  const res = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }> } };
};
const ready = async () => {
  const res = await fetch(hub.url.replace('/graphql', '/readyz'));
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, unknown> }).checks };
};
const count = async (sql: string, params: unknown[]) => Number((await t.pg.query<{ n: string }>(sql, params)).rows[0]!.n);
const spoolFiles = () => {
  const file = join(resolve(hub.deps.config.dataDir), 'spool', 'inbound.jsonl');
  return [file, `${file}.taken`].filter((f) => existsSync(f));
};

beforeAll(async () => {
  const db = new URL(t.databaseUrl);
  proxy = await new TcpProxy(db.hostname, Number(db.port || 5432)).start();
  // METRICS_LOCALHOST=off: /metrics asks for a token here even though the test calls from 127.0.0.1.
  hub = await t.start({ env: { DATABASE_URL: proxy.through(t.databaseUrl), METRICS_LOCALHOST: 'off' } });
});
afterAll(async () => {
  proxy.restore();
  await t.stop(hub).catch(() => undefined);
  await proxy.stop();
});
afterEach(() => proxy.restore());

it('while the database is away requests answer SERVICE_UNAVAILABLE with 503 and Retry-After, /readyz says database:false, and the pool recovers', async () => {
  const viewer = await t.token('VIEWER', 'XHG');
  expect((await post(viewer, GRID, { code: M })).status).toBe(200);

  proxy.cut();
  // The operator token needs no database to authenticate: the resolver fails.
  const admin = await post(ADMIN, GRID, { code: M });
  expect(admin).toMatchObject({ status: 503, retryAfter: '5' });
  expect(admin.body.errors?.map((e) => e.extensions)).toEqual([{ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 }]);
  // Another token is looked up in the database: the request fails before any resolver.
  const token = await post(viewer, GRID, { code: M });
  expect(token.status).toBe(503);
  expect(token.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  expect(JSON.stringify(token.body)).not.toMatch(/INTERNAL_SERVER_ERROR|ECONNRESET|stack/);
  expect(await ready()).toMatchObject({ status: 503, checks: { database: false } });

  proxy.restore();
  await until('the API answering again', async () => (await post(viewer, GRID, { code: M })).status === 200);
  const back = await post(viewer, GRID, { code: M });
  expect((back.body.data as Op.GridQuery).grid?.code).toBe(M);
  expect(await ready()).toMatchObject({ status: 200, checks: { database: true } });
});

it('while the database is away every plain HTTP route answers 503 SERVICE_UNAVAILABLE with Retry-After, Open311 in its own error format', async () => {
  const viewer = await t.token('VIEWER', 'XHG');
  // A token the operator minted is looked up in the database, unlike ADMIN_TOKEN.
  const operator = await t.token('ADMIN', null);
  const worker = await t.token('WORKER', M);
  const base = hub.url.replace(/\/graphql$/, '');
  const call = async (path: string, token: string | null, init: RequestInit = {}) => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), accept: 'application/json' } });
    return { path, status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
  };
  const jpeg = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 1, 2, 3, n]);
  const requests = () => [
    // Failing while the token is looked up, and (ADMIN_TOKEN) while the route itself reads or writes.
    call('/photos', worker, { method: 'POST', body: jpeg(1) }),
    call('/photos', ADMIN, { method: 'POST', body: jpeg(2) }),
    call('/export/incidents.csv?from=2024-01-01&to=2024-01-31', viewer),
    call('/export/incidents.xlsx?from=2024-01-01&to=2024-01-31', ADMIN),
    call('/cap/feed.atom', viewer),
    call('/cap/feed.atom', ADMIN),
    call('/bot/login', operator),
    call('/metrics', operator),
  ];
  expect((await Promise.all(requests())).map((r) => r.status)).toEqual([201, 201, 200, 200, 200, 200, 200, 200]);
  expect((await call(`/open311/v2/requests.json?api_key=${viewer}`, null)).status).toBe(200);

  proxy.cut();
  // While it is away, not in the instant it goes: the pooled connections the cut dropped are closed first.
  await until('the hub seeing the database away', async () => (await ready()).checks.database === false);
  for (const r of await Promise.all(requests())) {
    expect({ path: r.path, status: r.status, retryAfter: r.retryAfter }).toEqual({ path: r.path, status: 503, retryAfter: '5' });
    expect(r.body).toContain('SERVICE_UNAVAILABLE');
    expect(r.body).not.toMatch(/INTERNAL_SERVER_ERROR|ECONNRESET|stack/);
  }
  for (const key of [viewer, ADMIN]) {
    const open311 = await call(`/open311/v2/requests.json?api_key=${key}`, null);
    // Not "api_key is missing or invalid": the key may be fine, the database is not.
    expect(open311).toMatchObject({ status: 503, retryAfter: '5' });
    expect(JSON.parse(open311.body)).toEqual([{ code: 503, description: 'the database is unavailable; try again shortly' }]);
  }
  const xml = await call(`/open311/v2/requests.xml?api_key=${viewer}`, null);
  expect(xml).toMatchObject({ status: 503, retryAfter: '5', body: expect.stringContaining('<code>503</code>') });

  proxy.restore();
  await until('the routes answering again', async () => (await call('/cap/feed.atom', viewer)).status === 200);
  expect((await call(`/open311/v2/requests.json?api_key=${viewer}`, null)).status).toBe(200);
});

it('a chat message that arrives while the database is away is spooled to disk and acted on once it is back, exactly once', async () => {
  const world = hub.bots!.demo!;
  const [worker] = (await t.pg.query<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M])).rows;
  const contact = world.mocker.ContactMock.load(`demo-m${worker!.id}`);
  const room = world.mocker.RoomMock.load(`demo-${M}@chatroom`);
  const seen: InboxOutcome[] = [];
  hub.bots!.inbox.on('processed', (o) => seen.push(o));
  const text = '#上报 数据库停机时小区门口井盖缺失';

  proxy.cut();
  contact.say(text).to(room);
  await until('the message spooled', () => seen.some((o) => o.action === 'spooled'));
  const [file] = spoolFiles();
  expect(readFileSync(file!, 'utf8')).toContain('数据库停机时小区门口井盖缺失');
  // Still away: a retry round finds the database gone and keeps the message on disk.
  await new Promise((r) => setTimeout(r, 2500));
  expect(spoolFiles()).toHaveLength(1);

  proxy.restore();
  await until('the spooled message acted on', async () => (await count(`select count(*) as n from inbound_message where text = $1 and status = 'done'`, [text])) === 1);
  await until('the spool emptied', () => spoolFiles().length === 0);
  expect(await count(`select count(*) as n from incident where description = $1`, ['数据库停机时小区门口井盖缺失'])).toBe(1);
  expect(await count(`select count(*) as n from inbound_message where text = $1`, [text])).toBe(1);
  expect(seen.filter((o) => o.action === 'done' && o.command === 'report')).toHaveLength(1);
  // Its reply reaches the group once.
  await until('the reply queued', async () => (await count(`select count(*) as n from outbox_message where dedupe_key = $1`, [seen.find((o) => o.action === 'done')!.replyKey])) === 1);
});

it('a stored message left pending (a failure, a crash) is retried by the running hub, not only at the next login', async () => {
  const [worker] = (await t.pg.query<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M])).rows;
  await t.pg.query(
    `insert into inbound_message (bot_account, message_id, room_id, sender_id, sender_name, kind, text, status, received_at, attempts, retry_at)
     values ('demo', 'left-pending-1', $1, $2, '网格员', 'text', '#上报 路灯不亮已有三天', 'pending', now(), 1, now())`,
    [`demo-${M}@chatroom`, `demo-m${worker!.id}`],
  );
  await until('the pending message acted on', async () => (await count(`select count(*) as n from inbound_message where message_id = 'left-pending-1' and status = 'done' and attempts = 2`, [])) === 1, 10_000);
  expect(await count(`select count(*) as n from incident where description = $1`, ['路灯不亮已有三天'])).toBe(1);
});
