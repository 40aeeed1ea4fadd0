import { request } from 'node:http';
import { runJob } from '../../src/jobs/scheduler';
import type { Lock } from '../../src/infra/lock';
import { OutboxRepository } from '../../src/repositories/outbox.repository';
import { priorityOf } from '../../src/domain/delivery-lanes';
import type * as Op from '../generated/operations';
import { GRID, SIMULATE_MESSAGE, STATS_CHANGED } from '../operations';
import { ADMIN, collect, gql, gqlOk, settle, useHub, type Hub } from '../setup/hub';

const t = useHub({ bots: true });
const M = 'XHG-B02-C03-M05';
const METRICS_TOKEN = 'metrics-token-'.padEnd(32, 'm');

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const scrape = async (hub: Hub, token?: string): Promise<{ status: number; type: string | null; samples: Sample[] }> => {
  const res = await fetch(hub.url.replace('/graphql', '/metrics'), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { status: res.status, type: res.headers.get('content-type'), samples };
};
/** The value of the sample `name` whose labels include `labels` (0 when there is none). */
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
const has = (samples: Sample[], name: string) => samples.some((s) => s.name === name);

it('counts GraphQL operations by root field and outcome, with latency histograms', async () => {
  const before = (await scrape(t.hub)).samples;
  await gqlOk(t.hub, ADMIN, GRID, { code: M });
  await gqlOk(t.hub, ADMIN, GRID, { code: M });
  expect((await gql(t.hub, ADMIN, GRID, { code: 'NOPE-X' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const { status, type, samples } = await scrape(t.hub);
  expect(status).toBe(200);
  expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
  const ok = { operation: 'grid', type: 'query', outcome: 'ok' };
  expect(value(samples, 'gridhub_graphql_operations_total', ok) - value(before, 'gridhub_graphql_operations_total', ok)).toBe(2);
  expect(value(samples, 'gridhub_graphql_operations_total', { operation: 'grid', outcome: 'NOT_FOUND' })).toBe(1);
  expect(value(samples, 'gridhub_graphql_operation_duration_seconds_count', { operation: 'grid', type: 'query' })).toBeGreaterThanOrEqual(3);
  expect(has(samples, 'gridhub_graphql_operation_duration_seconds_bucket')).toBe(true);
  // Process metrics and event-loop lag, and the database pool.
  for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) expect(has(samples, name)).toBe(true);
  expect(value(samples, 'gridhub_db_pool_connections', { state: 'max' })).toBe(10);
  expect(samples.filter((s) => s.name === 'gridhub_db_pool_connections').map((s) => s.labels['state']).sort()).toEqual(['free', 'max', 'pending', 'used']);
});

it('shows open WebSockets and active subscriptions by field, and drops them when they end', async () => {
  const viewer = await t.token('VIEWER', 'XHG');
  const client = t.ws(viewer);
  const stats = collect<Op.StatsChangedSubscription>(client, STATS_CHANGED, { scope: 'XHG' });
  const end = Date.now() + 10_000;
  let samples = (await scrape(t.hub)).samples;
  while (value(samples, 'gridhub_subscriptions_active', { field: 'statsChanged' }) < 1 && Date.now() < end) {
    await settle(100);
    samples = (await scrape(t.hub)).samples;
  }
  expect(value(samples, 'gridhub_websockets_open')).toBe(1);
  expect(value(samples, 'gridhub_subscriptions_active', { field: 'statsChanged' })).toBe(1);
  // A query over the socket counts as one over HTTP does.
  const before = value(samples, 'gridhub_graphql_operations_total', { operation: 'grid', type: 'query', outcome: 'ok' });
  await new Promise<void>((resolve, reject) => client.subscribe({ query: GRID, variables: { code: M } }, { next: () => undefined, error: reject, complete: resolve }));
  expect(value((await scrape(t.hub)).samples, 'gridhub_graphql_operations_total', { operation: 'grid', type: 'query', outcome: 'ok' })).toBe(before + 1);
  stats.unsubscribe();
  await settle(300);
  samples = (await scrape(t.hub)).samples;
  expect(value(samples, 'gridhub_subscriptions_active', { field: 'statsChanged' })).toBe(0);
  await client.dispose();
  await settle(300);
  expect(value((await scrape(t.hub)).samples, 'gridhub_websockets_open')).toBe(0);
});

it('shows the outbox depth by lane, account and kind, the bot send latency and what the inbox did', async () => {
  const outbox = new OutboxRepository(t.hub.deps.orm.em.fork());
  await outbox.enqueueForRooms(
    [1, 2, 3].map((n) => ({ botAccount: 'metrics-idle', roomId: 'metrics@chatroom', text: `提醒 ${n}`, dedupeKey: `metrics:${n}`, kind: 'reminder', priority: priorityOf('chase') })),
    new Date(),
  );
  await gqlOk(t.hub, ADMIN, SIMULATE_MESSAGE, { grid: M, from: 'worker', text: '#帮助' });
  const { samples } = await scrape(t.hub);
  expect(value(samples, 'gridhub_outbox_depth', { priority: 'chase', account: 'metrics-idle', kind: 'reminder' })).toBe(3);
  expect(value(samples, 'gridhub_bot_send_duration_seconds_count', { account: 'demo', outcome: 'sent' })).toBeGreaterThanOrEqual(1);
  expect(value(samples, 'gridhub_inbox_messages_total', { action: 'done' })).toBeGreaterThanOrEqual(1);
});

it('counts job runs by outcome and times them', async () => {
  const held: Lock = { run: async () => false };
  const free: Lock = { run: async (_key, _ttl, fn) => (await fn(), true) };
  const job = (fail: boolean) => ({ name: 'metrics-probe', schedule: '* * * * *', run: async () => (fail ? Promise.reject(new Error('probe failed')) : []) });
  expect(await runJob(t.hub.deps, free, job(false))).toBe('ok');
  expect(await runJob(t.hub.deps, free, job(true))).toBe('failed');
  expect(await runJob(t.hub.deps, held, job(false))).toBe('skipped');
  const { samples } = await scrape(t.hub);
  for (const outcome of ['ok', 'failed', 'skipped']) expect(value(samples, 'gridhub_job_runs_total', { job: 'metrics-probe', outcome })).toBe(1);
  expect(value(samples, 'gridhub_job_duration_seconds_count', { job: 'metrics-probe' })).toBe(2);
});

it('with METRICS_LOCALHOST=off only METRICS_TOKEN or the operator may read them; each hub keeps its own registry', async () => {
  const guarded = await t.start({ env: { METRICS_LOCALHOST: 'off', METRICS_TOKEN } });
  expect((await scrape(guarded)).status).toBe(401);
  expect((await scrape(guarded, 'wrong-token-'.padEnd(32, 'x'))).status).toBe(401);
  expect((await scrape(guarded, await t.token('VIEWER', 'XHG'))).status).toBe(403);
  expect((await scrape(guarded, ADMIN)).status).toBe(200);
  const mine = await scrape(guarded, METRICS_TOKEN);
  expect(mine.status).toBe(200);
  // Two hubs in one process: the second counts only what it served.
  expect(value(mine.samples, 'gridhub_graphql_operations_total', { operation: 'grid' })).toBe(0);
  await gqlOk(guarded, ADMIN, GRID, { code: M });
  const after = await scrape(guarded, METRICS_TOKEN);
  expect(value(after.samples, 'gridhub_graphql_operations_total', { operation: 'grid', outcome: 'ok' })).toBe(1);
  await t.stop(guarded);
});

/** GET `path` from a given loopback address (127.0.0.2 is another machine as far as the hub can tell). */
const getFrom = (hub: Hub, path: string, localAddress: string, token: string) =>
  new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
    const req = request(hub.url.replace('/graphql', path), { localAddress, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('error', reject).end();
  });

it("failed tokens at /metrics count against the caller's address: a stranger locks out only themselves and is told 429 with Retry-After", async () => {
  const guarded = await t.start({ env: { METRICS_LOCALHOST: 'off', RATE_LIMIT_FAILED_AUTH: '3/10m' } });
  const wrong = 'wrong-token-'.padEnd(32, 'x');
  for (let i = 0; i < 3; i++) expect((await getFrom(guarded, '/metrics', '127.0.0.2', wrong)).status).toBe(401);
  const locked = await getFrom(guarded, '/metrics', '127.0.0.2', ADMIN);
  expect(locked.status).toBe(429);
  expect(Number(locked.retryAfter)).toBeGreaterThan(500);
  expect(JSON.parse(locked.body)).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfterSeconds: Number(locked.retryAfter) } });
  // The operator, from another address, still reads them.
  expect((await getFrom(guarded, '/metrics', '127.0.0.1', ADMIN)).status).toBe(200);
  // One budget per address, whichever route the guesses came through.
  expect((await getFrom(guarded, `/photos/${'0'.repeat(64)}.jpg`, '127.0.0.2', ADMIN)).status).toBe(429);
  expect((await getFrom(guarded, `/photos/${'0'.repeat(64)}.jpg`, '127.0.0.1', ADMIN)).status).toBe(404);
  await t.stop(guarded);
});
