/**
 * The live-feed fan-out comparison (issue 10): 10,000 graphql-ws subscribers of
 * `instructionIssued(scope: "XHG")` on the demo city and one instruction issued, beside a bare
 * graphql-ws server (graphql-js `subscribe` + graphql-ws `useServer` + an in-memory async
 * iterator, nothing else) broadcasting the same payload to as many clients. Prints both p99s,
 * the ratio, and the idle memory of the 10,000 subscriptions on each server with its ratio.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { startHub } from '../src/main';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/infra/logger';
import { seedCity } from '../src/services/seed.service';
import { withBenchDatabase } from './incidents.bench';

export const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 10_000);
const ADMIN = `bench-admin-${'x'.repeat(20)}`;
const QUERY = 'subscription { instructionIssued(scope: "XHG") { code grade title targets ackDeadlineAt } }';

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
export const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(0)} ms, p99 ${pct(xs, 0.99).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
export const epochNow = () => performance.timeOrigin + performance.now();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and buffers of this process after a full collection, in bytes. */
async function settledMemory(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export interface Subscribers {
  collect: (ms: number) => Promise<number[]>;
  close: () => Promise<void>;
}

/**
 * `n` graphql-ws clients subscribed to `query` at `url`, in a child process (ws-subscribers.ts);
 * `collect` waits until all received an event (or `ms` passed) and returns their arrival times.
 */
export async function subscribers(url: string, n: number, query: string, headers: Record<string, string>): Promise<Subscribers> {
  const child = fork(join(__dirname, 'ws-subscribers.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let latest: number[] | null = null;
  let wake: (() => void) | null = null;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: unknown) => {
      if (m === 'ready') resolve();
      else if (m && typeof m === 'object' && 'arrivals' in m) {
        latest = (m as { arrivals: number[] }).arrivals;
        wake?.();
      }
    });
    child.once('exit', (code) => reject(new Error(`subscriber process exited with ${code}`)));
    child.send({ url, n, query, headers });
  });
  // graphql-ws has no per-operation ack: give the server time to run every subscribe.
  await new Promise((r) => setTimeout(r, 2000 + n / 5));
  return {
    collect: async (ms) => {
      if (!latest) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (child.send('report'), setTimeout(resolve, 1000)), ms);
          wake = () => (clearTimeout(timer), resolve());
        });
      }
      return latest ?? [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

/** A bare graphql-ws server: one subscription field yielding whatever is broadcast, nothing else. */
export async function bareServer(): Promise<{ url: string; broadcast: (payload: unknown) => void; close: () => Promise<void> }> {
  const listeners = new Set<(v: unknown) => void>();
  const schema = buildSchema('type Query { ok: String } type Subscription { instructionIssued(scope: String): I } type I { code: String grade: String title: String targets: Int ackDeadlineAt: String }');
  const field = schema.getSubscriptionType()!.getFields()['instructionIssued']!;
  field.subscribe = () => {
    const queue: unknown[] = [];
    let pending: ((r: IteratorResult<unknown>) => void) | null = null;
    const l = (v: unknown) => (pending ? (pending({ value: { instructionIssued: v }, done: false }), (pending = null)) : queue.push({ instructionIssued: v }));
    listeners.add(l);
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => (queue.length ? Promise.resolve({ value: queue.shift(), done: false }) : new Promise((r) => (pending = r))),
      return: () => (listeners.delete(l), Promise.resolve({ value: undefined, done: true })),
    } as AsyncIterableIterator<unknown>;
  };
  field.resolve = (root: unknown) => (root as { instructionIssued: unknown }).instructionIssued;
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql' });
  const cleanup = useServer({ schema }, wss);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/graphql`,
    broadcast: (payload) => {
      for (const l of listeners) l(payload);
    },
    close: async () => {
      await cleanup.dispose();
      await new Promise((r) => http.close(r));
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function fanoutBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'fanout', 10, async ({ url, orm }) => {
    await seedCity(orm.em.fork());
    const config = loadConfig({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent', DATA_DIR: `/tmp/gridhub-bench-${process.pid}`, ...(process.env['REDIS_URL'] ? { REDIS_URL: process.env['REDIS_URL'], REDIS_PREFIX: `gridhub-bench-${process.pid}:` } : {}) });
    const hub = await startHub({ config, log: createLogger('silent'), seedWhenEmpty: false, jobs: false, bots: false });
    let hubLat: number[];
    let hubFromEvent: number[];
    let hubMemory: number;
    let payload: unknown;
    try {
      // The moment the event reaches this hub (after Redis, when configured), as the feed sees it.
      let eventAt = 0;
      const probe = hub.deps.pubsub.subscribe('instructionIssued', '');
      void (async () => {
        for await (const _ of probe) eventAt ||= epochNow();
      })();
      const before = await settledMemory();
      const subs = await subscribers(hub.url.replace(/^http/, 'ws'), SUBSCRIBERS, QUERY, { authorization: `Bearer ${ADMIN}` });
      hubMemory = (await settledMemory()) - before;
      const t0 = epochNow();
      const res = await fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ query: 'mutation($i: IssueInstructionInput!) { issueInstruction(input: $i) { code grade title targets ackDeadlineAt } }', variables: { i: { scope: 'XHG', grade: 'II', title: '返沪人员排查' } } }),
      });
      const body = (await res.json()) as { data?: { issueInstruction: unknown }; errors?: unknown };
      if (!body.data) throw new Error(`issueInstruction failed: ${JSON.stringify(body.errors)}`);
      payload = body.data.issueInstruction;
      const arrivals = (await subs.collect(60_000)).filter((a) => a > 0);
      hubLat = arrivals.map((a) => a - t0);
      hubFromEvent = arrivals.map((a) => a - eventAt);
      await subs.close();
      await probe.return();
    } finally {
      await hub.stop();
    }

    const bare = await bareServer();
    let bareLat: number[];
    let bareMemory: number;
    try {
      const before = await settledMemory();
      const subs = await subscribers(bare.url, SUBSCRIBERS, QUERY, {});
      bareMemory = (await settledMemory()) - before;
      const b0 = epochNow();
      bare.broadcast(payload);
      bareLat = (await subs.collect(60_000)).filter((a) => a > 0).map((a) => a - b0);
      await subs.close();
    } finally {
      await bare.close();
    }
    const ratio = pct(hubFromEvent, 0.99) / pct(bareLat, 0.99);
    console.log(
      `live-feed fan-out, ${SUBSCRIBERS.toLocaleString('en')} graphql-ws subscribers of instructionIssued(scope: "XHG"), demo city: ` +
        `hub (from the event reaching the hub) ${hubFromEvent.length}/${SUBSCRIBERS} ${fmt(hubFromEvent)}; hub from the mutation call ${fmt(hubLat)}; ` +
        `bare graphql-ws broadcast ${bareLat.length}/${SUBSCRIBERS} ${fmt(bareLat)}; ` +
        `ratio p99 ${ratio.toFixed(2)}× from the event, ${(pct(hubLat, 0.99) / pct(bareLat, 0.99)).toFixed(2)}× from the call (target ≤ 0.8×); ` +
        `idle memory of the subscriptions: hub ${mb(hubMemory)}, bare ${mb(bareMemory)}, ratio ${(hubMemory / bareMemory).toFixed(2)}× (target ≤ 1.2×)`,
    );
  });
}
