/**
 * The bounded soak (issue 14): two `gridhub serve` processes on one database and a Redis of
 * the benchmark's own, BENCH_SOAK_DASHBOARDS (2,000) statsChanged dashboards split between
 * them, BENCH_SOAK_RATE (200) reports a second for BENCH_SOAK_SECONDS (180) alternating
 * between the instances, and Redis killed and started again in the middle. Prints the report
 * latency (p50/p99) and the feed latency (report sent → incidentChanged at a probe on the
 * other instance), each for the first third (the same run's baseline) and the whole run with
 * their ratio, and each instance's memory (RSS and heap, from its /metrics, sampled every 2 s):
 * RSS at the start and the end, and the heap's floor between collections in the first and last
 * thirds of the load, with their ratios (an idle process does not collect, so a heap read after
 * the load says little). Every loop is bounded in count and time; traffic goes to
 * 127.0.0.1 only.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../src/infra/embedded-postgres';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/infra/database-admin';
import { OwnRedis } from '../test/setup/own-services';
import { startServe, type Running } from '../test/setup/processes';
import { epochNow, fmt, pct, subscribers, type Subscribers } from './fanout.bench';

const SECONDS = Number(process.env['BENCH_SOAK_SECONDS'] ?? 180);
const RATE = Number(process.env['BENCH_SOAK_RATE'] ?? 200);
const DASHBOARDS = Number(process.env['BENCH_SOAK_DASHBOARDS'] ?? 2_000);
/** Probes per instance: incidentChanged subscribers whose arrivals time the feed. */
const PROBES = 5;
/** Requests in flight at most; a send beyond it is counted as shed (the load is open-loop). */
const MAX_IN_FLIGHT = 400;
const ADMIN = `soak-admin-${'x'.repeat(21)}`;
const GRIDS = ['XHG-B03-C07-M12', 'XHG-B02-C03-M05', 'XHG-B01-C01-M01'];

interface Memory {
  rss: number;
  heap: number;
}

/** An instance's resident memory and used heap, as its /metrics says. */
async function memoryOf(hub: Running): Promise<Memory> {
  const text = await (await fetch(hub.url.replace('/graphql', '/metrics'))).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: read('process_resident_memory_bytes'), heap: read('nodejs_heap_size_used_bytes') };
}
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** incidentChanged subscribers on `hub`: the first arrival of each code at each probe. */
function probes(hub: Running, arrivals: Map<string, number[]>): Client[] {
  return Array.from({ length: PROBES }, () => {
    const c = createClient({ url: hub.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN}` }, retryAttempts: 5 });
    c.subscribe<{ incidentChanged: { code: string } }>({ query: 'subscription { incidentChanged(scope: "XHG") { code event } }' }, {
      next: (r) => {
        const code = r.data?.incidentChanged.code;
        if (!code) return;
        const list = arrivals.get(code) ?? [];
        list.push(epochNow());
        arrivals.set(code, list);
      },
      error: () => undefined,
      complete: () => undefined,
    });
    return c;
  });
}

export async function soakBench(serverUrl: string): Promise<void> {
  const name = `gridhub_bench_soak_${process.pid}`;
  const maintenance = withDatabase(serverUrl, 'postgres');
  await dropDatabase(maintenance, name);
  await ensureDatabase(maintenance, name);
  const dirs = [mkdtempSync(join(tmpdir(), 'gridhub-soak-a-')), mkdtempSync(join(tmpdir(), 'gridhub-soak-b-'))];
  const redis = new OwnRedis(await freePort());
  const hubs: Running[] = [];
  const children: Subscribers[] = [];
  const clients: Client[] = [];
  try {
    await redis.start();
    const env = (dataDir: string) => ({ DATABASE_URL: withDatabase(serverUrl, name), REDIS_URL: redis.url, REDIS_PREFIX: 'soak:', ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir, LOG_LEVEL: 'error', BOT: 'off' });
    // The first migrates and seeds the demo city; the second finds it.
    hubs.push(await startServe(env(dirs[0]!), 180_000));
    hubs.push(await startServe(env(dirs[1]!), 180_000));
    const [a, b] = hubs as [Running, Running];
    for (const [i, hub] of hubs.entries()) {
      const n = Math.floor(DASHBOARDS / 2) + (i === 0 ? DASHBOARDS % 2 : 0);
      children.push(await subscribers(hub.url.replace(/^http/, 'ws'), n, 'subscription { statsChanged(scope: "XHG") { reported closed overdue } }', { authorization: `Bearer ${ADMIN}` }));
    }
    // Probes on each instance: a report sent to one is timed where the other's dashboards see it.
    const arrivals = new Map<string, number[]>();
    clients.push(...probes(a, arrivals), ...probes(b, arrivals));
    await new Promise((r) => setTimeout(r, 1000));
    const start = await Promise.all(hubs.map(memoryOf));
    // Sampled every 2 s: a heap's floor between collections shows growth that one reading would hide or invent.
    const samples: Array<{ at: number; mem: Memory[] }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: epochNow(), mem: await Promise.all(hubs.map(memoryOf)).catch(() => []) });
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();

    const sent = new Map<string, { at: number; to: number }>();
    const latencies: Array<{ at: number; ms: number }> = [];
    let inFlight = 0;
    let shed = 0;
    let failed = 0;
    let n = 0;
    const began = epochNow();
    const endAt = began + SECONDS * 1000;
    const restartAt = began + (SECONDS * 1000) / 2;
    let restart: Promise<void> | null = null;
    const send = (i: number) => {
      const hub = hubs[i % 2]!;
      const at = epochNow();
      inFlight++;
      fetch(hub.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ query: 'mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { code } }', variables: { input: { grid: GRIDS[i % GRIDS.length], description: `浸泡测试 ${i}` } } }),
        signal: AbortSignal.timeout(30_000),
      })
        .then(async (res) => {
          const body = (await res.json()) as { data?: { reportIncident?: { code: string } } };
          const code = body.data?.reportIncident?.code;
          if (!code) throw new Error('refused');
          sent.set(code, { at, to: i % 2 });
          latencies.push({ at, ms: epochNow() - at });
        })
        .catch(() => failed++)
        .finally(() => inFlight--);
    };
    // Open loop: the schedule says when each report is due, whatever the answers take.
    while (epochNow() < endAt) {
      const due = Math.floor(((epochNow() - began) / 1000) * RATE);
      for (; n < due; n++) {
        if (inFlight >= MAX_IN_FLIGHT) shed++;
        else send(n);
      }
      if (!restart && epochNow() >= restartAt) {
        restart = (async () => {
          await redis.stop();
          await new Promise((r) => setTimeout(r, 5_000));
          await redis.start();
        })();
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await restart;
    const drainUntil = epochNow() + 30_000;
    while (inFlight > 0 && epochNow() < drainUntil) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 3000));
    sampling = false;
    await sampler;
    const end = await Promise.all(hubs.map(memoryOf));

    // Feed latency: at the other instance's probes (through Redis), first arrival per code.
    const feed: Array<{ at: number; ms: number }> = [];
    let missed = 0;
    for (const [code, s] of sent) {
      const seen = arrivals.get(code);
      if (!seen || seen.length < PROBES * 2) missed++;
      if (seen?.length) feed.push({ at: s.at, ms: Math.max(...seen) - s.at });
    }
    const baselineUntil = began + (SECONDS * 1000) / 3;
    const report = (label: string, xs: Array<{ at: number; ms: number }>) => {
      const all = xs.map((x) => x.ms);
      const first = xs.filter((x) => x.at < baselineUntil).map((x) => x.ms);
      if (!all.length || !first.length) return console.log(`soak ${label}: no samples`);
      console.log(`soak ${label}: whole run ${fmt(all)}; baseline (first third, before the Redis restart) ${fmt(first)}; p99 ratio ${(pct(all, 0.99) / pct(first, 0.99)).toFixed(2)}×`);
    };
    console.log(`soak: ${SECONDS} s, ${RATE} reports/s scheduled (${n} due, ${sent.size} accepted, ${failed} refused or failed, ${shed} shed above ${MAX_IN_FLIGHT} in flight), ${DASHBOARDS} statsChanged dashboards on two instances, Redis killed at ${SECONDS / 2} s and back 5 s later`);
    report('report latency', latencies);
    report(`feed latency (last of ${PROBES * 2} incidentChanged probes on both instances)`, feed);
    console.log(`soak feed: ${missed} of ${sent.size} reports not seen by every probe (events published while Redis was away are not replayed; live queries resync)`);
    for (const [i, hub] of hubs.entries()) {
      const floor = (from: number, to: number) => Math.min(...samples.filter((x) => x.at >= from && x.at < to && x.mem[i]).map((x) => x.mem[i]!.heap));
      const firstThird = floor(began, baselineUntil);
      const lastThird = floor(began + ((SECONDS * 1000) * 2) / 3, endAt);
      console.log(
        `soak memory, instance ${'ab'[i]} (pid ${hub.child.pid}): RSS ${mb(start[i]!.rss)} → ${mb(end[i]!.rss)} (${(end[i]!.rss / start[i]!.rss).toFixed(2)}×); ` +
          `heap at start ${mb(start[i]!.heap)}, floor (lowest of the 2 s samples) in the first third ${mb(firstThird)}, in the last third ${mb(lastThird)} (${(lastThird / firstThird).toFixed(2)}×)`,
      );
    }
  } finally {
    for (const c of clients) await c.dispose();
    for (const c of children) await c.close();
    for (const h of hubs) if (h.child.exitCode === null) await h.stop();
    await redis.stop();
    await dropDatabase(maintenance, name).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('set DATABASE_URL to a PostgreSQL the benchmark may use');
  soakBench(url).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
