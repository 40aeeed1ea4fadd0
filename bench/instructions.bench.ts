import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { startHub, type Hub } from '../src/main';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/infra/logger';
import { withBenchDatabase } from './incidents.bench';

const SUBSCRIBERS = Number(process.env['BENCH_SUBSCRIBERS'] ?? 10_000);
const ADMIN = `bench-admin-${'x'.repeat(20)}`;
const QUERY = 'subscription { instructionIssued { code grade title targets ackDeadlineAt } }';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(0)} ms, p99 ${pct(xs, 0.99).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

const epochNow = () => performance.timeOrigin + performance.now();

/**
 * `n` graphql-ws clients subscribed to `query` at `url`, in a child process (ws-subscribers.ts);
 * `collect` waits until all received an event (or `ms` passed) and returns their arrival times.
 */
async function subscribers(url: string, n: number, query: string, headers: Record<string, string>): Promise<{ collect: (ms: number) => Promise<number[]>; close: () => Promise<void> }> {
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
async function bareServer(): Promise<{ url: string; broadcast: (payload: unknown) => void; close: () => Promise<void> }> {
  const listeners = new Set<(v: unknown) => void>();
  const schema = buildSchema('type Query { ok: String } type Subscription { instructionIssued: I } type I { code: String grade: String title: String targets: Int ackDeadlineAt: String }');
  (schema.getSubscriptionType()!.getFields()['instructionIssued']!).subscribe = () => {
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
  (schema.getSubscriptionType()!.getFields()['instructionIssued']!).resolve = (root: unknown) => (root as { instructionIssued: unknown }).instructionIssued;
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

/**
 * Issue 5's benchmark: an instruction to a 100,000-grid tree with 10,000 graphql-ws
 * subscribers, beside a bare graphql-ws server broadcasting the same payload to as many clients.
 */
export async function instructionBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'instr', 10, async ({ url, raw }) => {
    // 1 city › 10 districts › 100 streets › 1,000 communities › 98,889 micro-grids = 100,000 grids,
    // each with a bound group and a chief.
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth) values (1, 'C', '城市', 'city', null, '1', 0)`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth) select 1 + d, 'C-D' || d, '区' || d, 'district', 1, text2ltree('1.' || (1 + d)), 1 from generate_series(1, 10) d`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth) select 100 + s, 'C-S' || s, '街道' || s, 'street', 1 + (s - 1) / 10 + 1, text2ltree('1.' || (1 + (s - 1) / 10 + 1) || '.' || (100 + s)), 2 from generate_series(1, 100) s`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth) select 1000 + c, 'C-K' || c, '社区' || c, 'community', 100 + (c - 1) / 10 + 1, text2ltree((select path::text from grid where id = 100 + (c - 1) / 10 + 1) || '.' || (1000 + c)), 3 from generate_series(1, 1000) c`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth) select 10000 + m, 'C-M' || m, '微网格' || m, 'micro_grid', p.id, text2ltree(p.path::text || '.' || (10000 + m)), 4 from generate_series(1, 98889) m join grid p on p.id = 1000 + (m - 1) % 1000 + 1`);
    await raw.query(`select setval('grid_id_seq', 200000)`);
    await raw.query(`insert into member (grid_id, name, role) select id, '网格长' || id, 'chief' from grid`);
    await raw.query(`insert into chat_group (room_id, topic, grid_id, bot_account, bound_at) select 'room-' || id || '@chatroom', name, id, 'bot-' || (id % 50), now() from grid`);
    await raw.query('analyze');
    const grids = Number((await raw.query<{ n: string }>('select count(*) as n from grid')).rows[0]!.n);

    const config = loadConfig({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent', DATA_DIR: `/tmp/gridhub-bench-${process.pid}`, ...(process.env['REDIS_URL'] ? { REDIS_URL: process.env['REDIS_URL'], REDIS_PREFIX: `gridhub-bench-${process.pid}:` } : {}) });
    const hub: Hub = await startHub({ config, log: createLogger('silent'), seedWhenEmpty: false, jobs: false, bots: false });
    try {
      const subs = await subscribers(hub.url.replace(/^http/, 'ws'), SUBSCRIBERS, QUERY, { authorization: `Bearer ${ADMIN}` });
      const issue = async (title: string) => {
        const t0 = epochNow();
        const res = await fetch(hub.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
          body: JSON.stringify({ query: 'mutation($i: IssueInstructionInput!) { issueInstruction(input: $i) { code targets } }', variables: { i: { scope: 'C', grade: 'II', title } } }),
        });
        const body = (await res.json()) as { data?: { issueInstruction: { code: string; targets: number } }; errors?: unknown };
        const committed = epochNow() - t0;
        if (!body.data) throw new Error(`issueInstruction failed: ${JSON.stringify(body.errors)}`);
        const arrivals = await subs.collect(60_000);
        return { t0, committed, arrivals, targets: body.data.issueInstruction.targets, code: body.data.issueInstruction.code };
      };
      const r = await issue('返沪人员排查');
      const lat = r.arrivals.filter((a) => a > 0).map((a) => a - r.t0);
      const outbox = Number((await raw.query<{ n: string }>('select count(*) as n from outbox_message where ref = $1', [r.code])).rows[0]!.n);
      const payload = { code: r.code, grade: 'II', title: '返沪人员排查', targets: r.targets, ackDeadlineAt: new Date().toISOString() };
      await subs.close();

      const bare = await bareServer();
      try {
        const base = await subscribers(bare.url, SUBSCRIBERS, QUERY, {});
        const b0 = epochNow();
        bare.broadcast(payload);
        const baseArrivals = await base.collect(60_000);
        const baseLat = baseArrivals.filter((a) => a > 0).map((a) => a - b0);
        await base.close();
        console.log(
          `instruction fan-out over ${grids.toLocaleString('en')} grids: (a) issueInstruction answered after commit of ${r.targets.toLocaleString('en')} receipts + ${outbox.toLocaleString('en')} outbox rows in ${r.committed.toFixed(0)} ms (target ≤ 3000 ms); ` +
            `(b) instructionIssued at ${lat.length}/${SUBSCRIBERS} graphql-ws subscribers, from the call: ${fmt(lat)}, after the commit: p99 ${(pct(lat, 0.99) - r.committed).toFixed(0)} ms; ` +
            `baseline bare graphql-ws broadcast of the same payload to ${baseLat.length}/${SUBSCRIBERS} clients: ${fmt(baseLat)}; ratio p99 ${(pct(lat, 0.99) / pct(baseLat, 0.99)).toFixed(2)}× from the call, ${((pct(lat, 0.99) - r.committed) / pct(baseLat, 0.99)).toFixed(2)}× after the commit (targets: p99 ≤ 1000 ms, ≤ 2×)`,
        );
      } finally {
        await bare.close();
      }
    } finally {
      await hub.stop();
    }
  });
}
