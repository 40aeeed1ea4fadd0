import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import Redis from 'ioredis';
import { startHub, type Hub, type HubOptions } from '../../src/main';
import { loadConfig, type Config } from '../../src/config';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/infra/database-admin';
import { createLogger } from '../../src/infra/logger';
import type { Clock } from '../../src/infra/clock';

/** A database of this test file's own, cloned from a migrated template. Dropped by `cleanup`. */
export async function testDatabase(kind: 'empty' | 'demo' = 'demo'): Promise<{ url: string; drop(): Promise<void> }> {
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

export interface TestHubOptions {
  databaseUrl: string;
  redis?: { url: string; prefix: string } | undefined;
  clock?: Clock;
  onQuery?: (sql: string) => void;
  env?: Record<string, string>;
  /** Start the bots (the demo world on the mock puppet); off by default to keep hubs light. */
  bots?: boolean;
}

export const ADMIN = `test-admin-${'x'.repeat(24)}`;

/** Starts a hub on port 0 against the given database (and Redis), as `npm start` would. */
export async function startTestHub(opts: TestHubOptions): Promise<Hub> {
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: opts.databaseUrl,
    ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'gridhub-test-data-')),
    ...(opts.redis ? { REDIS_URL: opts.redis.url, REDIS_PREFIX: opts.redis.prefix } : {}),
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
export async function tokenFor(hub: Hub, role: string, grid: string): Promise<string> {
  return (await gqlOk<{ issueToken: { token: string } }>(hub, ADMIN, 'mutation($i: IssueTokenInput!) { issueToken(input: $i) { token } }', { i: { role, grid } })).issueToken.token;
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

export const redisPrefix = () => `gridhub-test:${randomBytes(4).toString('hex')}:`;
