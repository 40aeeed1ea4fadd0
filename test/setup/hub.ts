import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
// The only import of the hub's composition root in the tests: a rename there is a one-line change here.
import { startHub, type Hub, type HubOptions } from '../../src/main';
import { loadConfig, type Config } from '../../src/config';
import { LIMIT_NAMES, LIMIT_RULES } from '../../src/domain/rate-limits';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/infra/database-admin';
import { createLogger } from '../../src/infra/logger';
import type { Clock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { ISSUE_TOKEN } from '../operations';

export type { Hub };

/** A database of this test file's own, cloned from a migrated template. Dropped by `drop`. */
async function cloneDatabase(kind: 'empty' | 'demo'): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env['GRIDHUB_TEST_PG'];
  const template = process.env[kind === 'demo' ? 'GRIDHUB_TEST_TEMPLATE_DEMO' : 'GRIDHUB_TEST_TEMPLATE_EMPTY'];
  if (!server || !template) throw new Error('test databases are prepared by jest globalSetup (run through `npm test`)');
  const name = `gridhub_t_${randomBytes(6).toString('hex')}`;
  await ensureDatabase(withDatabase(server, 'postgres'), name, template);
  return { url: withDatabase(server, name), drop: () => dropDatabase(withDatabase(server, 'postgres'), name) };
}

/** The Redis the tests use; fails clearly when none answers. */
export async function testRedisUrl(): Promise<string> {
  const url = process.env['GRIDHUB_TEST_REDIS']!;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    throw new Error(`this test needs a real Redis at ${url}: start one or set REDIS_URL`);
  } finally {
    probe.disconnect();
  }
  return url;
}

export const redisPrefix = () => `gridhub-test:${randomBytes(4).toString('hex')}:`;

/** The operator token every test hub accepts (`ADMIN_TOKEN`). */
export const ADMIN = `test-admin-${'x'.repeat(24)}`;

/** A test database: its URL, and `cleanup` to run a teardown step before it is dropped. */
export interface DatabaseFixture {
  readonly url: string;
  /** Runs `fn` in `afterAll` before the fixture's own teardown (latest first): stop what uses the database. */
  cleanup(fn: () => Promise<unknown> | void): void;
}

/**
 * A database of its own for the enclosing `describe` (or file): cloned from the migrated
 * template in `beforeAll`, dropped in `afterAll`. Read `url` inside tests and hooks.
 */
export function useDatabase(kind: 'empty' | 'demo' = 'demo'): DatabaseFixture {
  const own = databaseHooks(kind);
  beforeAll(own.setUp);
  afterAll(own.tearDown);
  return own.fixture;
}

/** The hooks of `useDatabase`, for fixtures that have more to set up and tear down around them. */
function databaseHooks(kind: 'empty' | 'demo') {
  let db: Awaited<ReturnType<typeof cloneDatabase>> | undefined;
  const cleanups: Array<() => Promise<unknown> | void> = [];
  const fixture: DatabaseFixture = {
    get url() {
      if (!db) throw new Error('the test database exists only inside tests and hooks');
      return db.url;
    },
    cleanup: (fn) => void cleanups.push(fn),
  };
  const setUp = async (): Promise<void> => {
    db = await cloneDatabase(kind);
  };
  const tearDown = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn();
    await db?.drop();
  };
  return { fixture, setUp, tearDown };
}

/** How a test file wants its hubs. Every option is off unless set. */
export interface UseHubOptions {
  /** The template the database is cloned from (default `demo`: the demo city). */
  database?: 'empty' | 'demo';
  /** Hub instances started in `beforeAll` on the one database (default 1; 0 to start them in the tests with `start`). */
  instances?: number;
  /** Share a real Redis (pub/sub, locks) between the instances, under a prefix of this file's own. */
  redis?: boolean;
  clock?: Clock;
  /** Sees every SQL statement of the FIRST instance only (to count one instance's statements). */
  onQuery?: (sql: string) => void;
  /** Extra environment variables for `loadConfig`. */
  env?: Record<string, string>;
  /** Start the bots (the demo world on the mock puppet); off by default to keep hubs light. */
  bots?: boolean;
}

/** What `useHub` gives a test file; read it inside tests and hooks (it is filled in `beforeAll`). */
export interface HubFixture {
  /** The first instance. */
  readonly hub: Hub;
  /** Every running instance, in start order. */
  readonly hubs: readonly Hub[];
  readonly databaseUrl: string;
  /** A PostgreSQL client on the database, for what the API does not show (closed before the database is dropped). */
  readonly pg: PgClient;
  /** Runs `fn` in `afterAll` before the hubs stop (latest first). */
  cleanup(fn: () => Promise<unknown> | void): void;
  /** A bearer token for `role` scoped to `grid`'s subtree, minted on the first instance. */
  token(role: Op.Role, grid: string | null, ttlHours?: number): Promise<string>;
  /** A graphql-ws client to `hub` (default the first), disposed in `afterAll`. */
  ws(token: string | null, hub?: Hub): WsClient;
  /** Starts one more instance on the same database (and Redis); `overrides` change this one only. Stopped in `afterAll`. */
  start(overrides?: Pick<UseHubOptions, 'env' | 'bots' | 'onQuery'>): Promise<Hub>;
  /** Stops an instance before the end of the file (a restart, a crash). */
  stop(hub: Hub): Promise<void>;
}

/**
 * The one hub fixture: registers `beforeAll`/`afterAll` in the enclosing `describe` (or file)
 * that clone a database, start `instances` hubs on port 0 against it (sharing a Redis when
 * `redis` is set), and at the end dispose every WebSocket client, stop every hub and drop the
 * database.
 *
 *     const t = useHub({ clock, bots: true });
 *     it('…', async () => { const viewer = await t.token('VIEWER', 'XHG'); t.ws(viewer); … });
 */
export function useHub(opts: UseHubOptions = {}): HubFixture {
  const db = databaseHooks(opts.database ?? 'demo');
  const hubs: Hub[] = [];
  const clients: WsClient[] = [];
  let redis: { url: string; prefix: string } | undefined;
  let pg: PgClient | undefined;

  const launch = async (o: Pick<UseHubOptions, 'env' | 'bots' | 'onQuery'>): Promise<Hub> => {
    const hub = await startTestHub({ ...opts, ...o, databaseUrl: db.fixture.url, redis });
    hubs.push(hub);
    return hub;
  };
  const first = (): Hub => {
    if (!hubs[0]) throw new Error('no hub is running: it starts in beforeAll (or with start())');
    return hubs[0];
  };

  beforeAll(async () => {
    await db.setUp();
    if (opts.redis) redis = { url: await testRedisUrl(), prefix: redisPrefix() };
    pg = new PgClient({ connectionString: db.fixture.url });
    await pg.connect();
    const n = opts.instances ?? 1;
    for (let i = 0; i < n; i++) await launch(i === 0 ? {} : { onQuery: undefined });
  });
  // One teardown, in the reverse order of the set-up: what the test added, clients, hubs, database.
  db.fixture.cleanup(async () => {
    await pg?.end();
    for (const h of [...hubs]) await h.stop();
    hubs.length = 0;
  });
  db.fixture.cleanup(async () => {
    for (const c of clients) await c.dispose();
  });
  afterAll(db.tearDown);

  return {
    get hub() {
      return first();
    },
    get hubs() {
      return hubs;
    },
    get databaseUrl() {
      return db.fixture.url;
    },
    get pg() {
      if (!pg) throw new Error('the database client exists only inside tests and hooks');
      return pg;
    },
    cleanup: (fn) => db.fixture.cleanup(fn),
    token: (role, grid, ttlHours) => tokenFor(first(), role, grid, ttlHours),
    ws(token, hub) {
      const c = wsClient(hub ?? first(), token);
      clients.push(c);
      return c;
    },
    start: (overrides = {}) => launch({ onQuery: undefined, ...overrides }),
    async stop(hub) {
      await hub.stop();
      hubs.splice(hubs.indexOf(hub), 1);
    },
  };
}

interface TestHubOptions extends Omit<UseHubOptions, 'database' | 'instances' | 'redis'> {
  databaseUrl: string;
  redis?: { url: string; prefix: string } | undefined;
}

const RELAXED_LIMITS = Object.fromEntries(LIMIT_NAMES.map((n) => [LIMIT_RULES[n].variable, '100000/1m']));

/** Starts a hub on port 0 against the given database (and Redis), as `npm start` would. */
async function startTestHub(opts: TestHubOptions): Promise<Hub> {
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: opts.databaseUrl,
    ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gridhub-test-data-')),
    ...(opts.redis ? { REDIS_URL: opts.redis.url, REDIS_PREFIX: opts.redis.prefix } : {}),
    // Tests speak faster than people: rate limits stay out of the way unless a test sets them.
    ...RELAXED_LIMITS,
    ...opts.env,
  });
  const hubOpts: HubOptions = { config, log: createLogger(config.logLevel), seedWhenEmpty: false, jobs: false, bots: opts.bots ?? false };
  if (opts.clock) hubOpts.clock = opts.clock;
  if (opts.onQuery) hubOpts.onQuery = opts.onQuery;
  return startHub(hubOpts);
}

export interface GqlResult<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } & Record<string, unknown>; path?: unknown[] }>;
  status: number;
}

/** POSTs one operation to the hub over HTTP, as a dashboard would. */
export async function gql<T = Record<string, unknown>, V = Record<string, unknown>>(hub: Hub, token: string | null, query: string, variables?: V): Promise<GqlResult<T>> {
  const res = await fetch(hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as Omit<GqlResult<T>, 'status'>;
  return { ...body, status: res.status };
}

/** Like gql, but throws on any error and returns data. */
export async function gqlOk<T = Record<string, unknown>, V = Record<string, unknown>>(hub: Hub, token: string | null, query: string, variables?: V): Promise<T> {
  const r = await gql<T, V>(hub, token, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data;
}

/** A bearer token for `role` scoped to `grid`'s subtree, minted by the operator over GraphQL. */
export async function tokenFor(hub: Hub, role: Op.Role, grid: string | null, ttlHours?: number): Promise<string> {
  const input: Op.IssueTokenInput = { role, grid, ...(ttlHours ? { ttlHours } : {}) };
  return (await gqlOk<Op.IssueTokenMutation, Op.IssueTokenMutationVariables>(hub, ADMIN, ISSUE_TOKEN, { input })).issueToken.token;
}

/** A graphql-ws client to the hub; close it with `dispose()`. */
export function wsClient(hub: Hub, token: string | null): WsClient {
  return createClient({
    url: hub.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Collects a subscription's events; `next(n)` waits for the n-th, `errors` holds failures. */
export function collect<T>(client: WsClient, query: string, variables?: Record<string, unknown>) {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const wake = () => {
    for (const w of [...waiters]) {
      if (events.length >= w.n || errors.length) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const unsubscribe = client.subscribe<T>(
    { query, ...(variables ? { variables } : {}) },
    {
      next: (v) => {
        if (v.errors?.length) errors.push(v.errors);
        else events.push(v.data as T);
        wake();
      },
      error: (e) => {
        errors.push(e);
        wake();
      },
      complete: () => wake(),
    },
  );
  return {
    events,
    errors,
    unsubscribe,
    /** Resolves once `n` events (or an error) arrived; rejects after `ms`. */
    until(n: number, ms = 5000): Promise<void> {
      if (events.length >= n || errors.length) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} events; got ${events.length}`)), ms);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

/** Waits until the server has acknowledged the subscription (graphql-ws has no ack per operation). */
export const settle = (ms = 150) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; throws naming `what` after `ms` (for conditions on a loaded machine, not sleeps). */
export async function until(what: string, check: () => Promise<boolean> | boolean, ms = 20_000, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
