jest.setTimeout(240_000);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { dayKey, dayRange } from '../../src/domain/day-key';
import { freePort } from '../../src/infra/embedded-postgres';
import type * as Op from '../generated/operations';
import { FLEET, REPORT_INCIDENT, SIMULATE_MESSAGE, STATS, STATS_CHANGED } from '../operations';
import { until } from '../setup/hub';
import { OwnPostgres, OwnRedis } from '../setup/own-services';
import { startServe, type Running } from '../setup/processes';

/**
 * The chaos suite: two `gridhub serve` processes on a PostgreSQL and a Redis of this file's own,
 * under a steady trickle of reports (HTTP) and bot messages (simulateMessage), while Redis is
 * killed and started, PostgreSQL is restarted, and one hub is killed with SIGKILL and started
 * again. After each: both hubs alive, every accepted report and bot message stored once and
 * acted on once, and a dashboard (a statsChanged subscription) current within 5 s.
 */
const ADMIN = 'f'.repeat(32);
const GRID = 'XHG-B03-C07-M12';
const BOT_GRID = 'XHG-B02-C03-M05';

type GqlBody = { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
const post = async (url: string, query: string, variables?: object): Promise<GqlBody> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30_000) });
  return (await res.json()) as GqlBody;
};
const readyChecks = async (hub: Running) => {
  try {
    const res = await fetch(hub.url.replace('/graphql', '/readyz'), { signal: AbortSignal.timeout(10_000) });
    return ((await res.json()) as { checks: Record<string, unknown> }).checks;
  } catch {
    return null;
  }
};
const alive = (hub: Running) => hub.child.exitCode === null && hub.child.signalCode === null;

/** Reports and bot messages against whichever hubs are up, counting what each hub accepted and why anything was refused. */
class Traffic {
  readonly reports: string[] = [];
  readonly messages: string[] = [];
  /** The bot's first answer to each accepted group message (what a failure shows). */
  readonly answers = new Map<string, string>();
  /** Refusals by error code (`network` when the hub did not answer, e.g. killed). */
  readonly refused = new Map<string, number>();
  private running = true;
  private paused = false;
  private step: Promise<void> = Promise.resolve();
  private n = 0;
  private readonly loop: Promise<void>;

  constructor(private readonly hubs: () => Running[]) {
    this.loop = this.run();
  }

  refusedExcept(...codes: string[]): Record<string, number> {
    return Object.fromEntries([...this.refused].filter(([code]) => !codes.includes(code)));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Holds the traffic (once the request in flight is answered), so a count can be compared. */
  async pause(): Promise<void> {
    this.paused = true;
    await this.step;
  }

  resume(): void {
    this.paused = false;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.paused) {
        await new Promise((res) => setTimeout(res, 50));
        continue;
      }
      this.step = this.once();
      await this.step;
      await new Promise((res) => setTimeout(res, 40));
    }
  }

  private async once(): Promise<void> {
    {
      const up = this.hubs().filter(alive);
      const hub = up[this.n % Math.max(1, up.length)];
      const i = this.n++;
      if (hub) {
        // Every fourth is a bot message, the rest are reports over GraphQL.
        const bot = i % 4 === 3;
        const text = bot ? `混沌群消息 ${i}` : `混沌测试 ${i}`;
        const send = (to: Running) =>
          post(to.url, bot ? SIMULATE_MESSAGE : REPORT_INCIDENT, bot ? { grid: BOT_GRID, from: 'worker', text: `#上报 ${text}` } : { input: { grid: GRID, description: text, urgent: false } }).catch(() => ({ errors: [{ message: 'no answer', extensions: { code: 'network' } }] }) as GqlBody);
        let r = await send(hub);
        // The group's listening account runs on the other hub: a tester says it there.
        const other = up.find((h) => h !== hub);
        if (bot && other && r.errors?.[0]?.extensions?.code === 'CONFLICT') r = await send(other);
        const ok = bot ? Array.isArray(r.data?.['simulateMessage']) : Boolean((r.data?.['reportIncident'] as { code?: string } | undefined)?.code);
        if (ok) {
          (bot ? this.messages : this.reports).push(text);
          if (bot) this.answers.set(text, String((r.data?.['simulateMessage'] as string[])[0] ?? ''));
        } else {
          const code = r.errors?.[0]?.extensions?.code ?? 'none';
          this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
        }
      }
    }
  }
}

describe('two hub processes under traffic while Redis, PostgreSQL and a hub fail', () => {
  const dirs = { pg: mkdtempSync(join(tmpdir(), 'gridhub-chaos-pg-')), a: mkdtempSync(join(tmpdir(), 'gridhub-chaos-a-')), b: mkdtempSync(join(tmpdir(), 'gridhub-chaos-b-')) };
  let pg: OwnPostgres;
  let redis: OwnRedis;
  let db: Pool;
  let env: (dataDir: string) => Record<string, string>;
  const hubs: { a?: Running; b?: Running } = {};
  let traffic: Traffic;
  let dashboard: WsClient;
  let latest: { reported: number } | null = null;

  const both = () => [hubs.a!, hubs.b!];

  /** How many incidents carry each description starting with `prefix`. */
  const storedTimes = async (prefix: string): Promise<Map<string, number>> => {
    const stored = await db.query<{ description: string; n: string }>(`select description, count(*) as n from incident where description like $1 || '%' group by description`, [prefix]);
    return new Map(stored.rows.map((r) => [r.description, Number(r.n)]));
  };

  /** Both hubs alive; every accepted report and bot message stored once and acted on once; the dashboard current within 5 s. */
  const assertHealthy = async (phase: string) => {
    expect({ phase, alive: both().map(alive) }).toEqual({ phase, alive: [true, true] });
    const times = await storedTimes('混沌');
    // Nothing stored twice (a request cut by a kill may have been stored without an answer: never twice).
    expect({ phase, twice: [...times].filter(([, n]) => n > 1) }).toEqual({ phase, twice: [] });
    expect({ phase, missing: traffic.reports.filter((d) => times.get(d) !== 1) }).toEqual({ phase, missing: [] });
    // Bot messages accepted by the hub are acted on once (a spooled one once the database is back).
    await until(`${phase}: every accepted bot message acted on`, async () => {
      const acted = await storedTimes('混沌群');
      return traffic.messages.every((m) => acted.get(m) === 1);
    }, 30_000).catch(async (err: Error) => {
      const acted = await storedTimes('混沌群');
      const off = traffic.messages.filter((m) => acted.get(m) !== 1).slice(0, 5).map((m) => `${m} ×${acted.get(m) ?? 0}: ${traffic.answers.get(m)}`);
      throw new Error(`${err.message}: ${off.join('; ')}`);
    });
    // A standby copy (kept by an account that does not listen in the group) counts only if it was acted on.
    const inbound = await db.query<{ text: string; n: string; done: string }>(
      `select text, count(*) as n, count(*) filter (where status = 'done') as done from inbound_message
        where text like '#上报 混沌群消息%' and (standby_for is null or command is not null) group by text`,
    );
    expect({ phase, twice: inbound.rows.filter((r) => Number(r.n) > 1) }).toEqual({ phase, twice: [] });
    const handled = new Set(inbound.rows.filter((r) => r.done === '1').map((r) => r.text));
    expect({ phase, unhandled: traffic.messages.filter((m) => !handled.has(`#上报 ${m}`)) }).toEqual({ phase, unhandled: [] });
    // The dashboard shows the count of the moment the traffic holds within 5 s.
    await traffic.pause();
    try {
      const { from, to } = dayRange(dayKey(new Date(), 'Asia/Shanghai'), 'Asia/Shanghai');
      const current = ((await post(hubs.a!.url, STATS, { scope: 'XHG', from, to })).data as Op.StatsQuery).stats.reported;
      await until(`${phase}: the dashboard current (${current} reported)`, () => latest?.reported === current, 5_000).catch((err: Error) => {
        throw new Error(`${err.message}; it shows ${latest?.reported}`);
      });
    } finally {
      traffic.resume();
    }
  };
  /** Waits for the traffic to have `n` more accepted reports than now. */
  const moreReports = (what: string, n: number, ms?: number) => {
    const target = traffic.reports.length + n;
    return until(what, () => traffic.reports.length >= target, ms);
  };

  beforeAll(async () => {
    const tStart = Date.now();
    pg = new OwnPostgres(dirs.pg, await freePort());
    redis = new OwnRedis(await freePort());
    await Promise.all([pg.start(), redis.start()]);
    // Two demo accounts: the fleet gives each hub one, so either can take a simulated group message.
    env = (dataDir: string) => ({ DATABASE_URL: pg.url, REDIS_URL: redis.url, REDIS_PREFIX: 'chaos:', ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir, LOG_LEVEL: 'warn', BOT_ACCOUNTS: '2' });
    // The first migrates and seeds the demo city; the second finds it there.
    const t0 = Date.now();
    hubs.a = await startServe(env(dirs.a));
    const t1 = Date.now();
    hubs.b = await startServe(env(dirs.b));
    process.stdout.write(`chaos set-up: services ${t0 - tStart} ms, hub a ${t1 - t0} ms, hub b ${Date.now() - t1} ms\n`);
    // A pool: its connections die with the restart, and it opens new ones.
    db = new Pool({ connectionString: pg.url, max: 2 });
    db.on('error', () => undefined);
    // A dashboard on hub B (never the one killed), reconnecting as a real one does.
    dashboard = createClient({ url: hubs.b.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN}` }, retryAttempts: Infinity, retryWait: () => new Promise((r) => setTimeout(r, 500)), shouldRetry: () => true });
    dashboard.subscribe<Op.StatsChangedSubscription>({ query: STATS_CHANGED, variables: { scope: 'XHG' } }, { next: (r) => (latest = r.data?.statsChanged ?? latest), error: () => undefined, complete: () => undefined });
    // The fleet hands hub B its share (one account) within a lease tick: wait for it before the traffic.
    await until('each hub serving a demo account', async () => {
      const r = await post(hubs.a!.url, FLEET);
      const bots = (r.data?.['bots'] ?? []) as Op.FleetQuery['bots'];
      return new Set(bots.filter((b) => b.status === 'online').map((b) => b.instance)).size === 2;
    }, 30_000);
    traffic = new Traffic(both);
    await until('traffic flowing', () => traffic.reports.length >= 5 && traffic.messages.length >= 1, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${traffic.reports.length} reports, ${traffic.messages.length} bot messages accepted; refused ${JSON.stringify([...traffic.refused])}`);
    });
    await until("the dashboard's first value", () => latest !== null);
  });

  afterAll(async () => {
    await traffic?.stop();
    await dashboard?.dispose();
    await db?.end().catch(() => undefined);
    for (const h of [hubs.a, hubs.b]) if (h && alive(h)) await h.stop();
    await redis?.stop();
    await pg?.stop();
    for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
  });

  it('Redis killed and started again: no hub dies, redis:false meanwhile, nothing lost, dashboards resynced', async () => {
    await redis.stop();
    await until('both hubs say redis:false', async () => (await readyChecks(hubs.a!))?.['redis'] === false && (await readyChecks(hubs.b!))?.['redis'] === false);
    await moreReports('reports accepted while Redis is away', 10);
    await redis.start();
    await until('both hubs say redis:true again', async () => (await readyChecks(hubs.a!))?.['redis'] === true && (await readyChecks(hubs.b!))?.['redis'] === true);
    await moreReports('reports after Redis is back', 5);
    expect(traffic.refusedExcept()).toEqual({});
    await assertHealthy('redis');
  });

  it('PostgreSQL restarted: requests answer SERVICE_UNAVAILABLE meanwhile, database:false, the pools recover, nothing lost', async () => {
    const refusedBefore = traffic.refused.get('SERVICE_UNAVAILABLE') ?? 0;
    await pg.stop();
    await until('both hubs say database:false', async () => (await readyChecks(hubs.a!))?.['database'] === false && (await readyChecks(hubs.b!))?.['database'] === false);
    await until('requests refused with SERVICE_UNAVAILABLE', () => (traffic.refused.get('SERVICE_UNAVAILABLE') ?? 0) >= refusedBefore + 3);
    await pg.start();
    await until('both hubs say database:true again', async () => (await readyChecks(hubs.a!))?.['database'] === true && (await readyChecks(hubs.b!))?.['database'] === true);
    await moreReports('reports after PostgreSQL is back', 10);
    // Only the clear code, never an internal error.
    expect(traffic.refusedExcept('SERVICE_UNAVAILABLE')).toEqual({});
    await assertHealthy('postgres');
  });

  it('a hub killed with SIGKILL under traffic and started again: the other serves on, nothing stored twice', async () => {
    const killed = hubs.a!;
    const exited = new Promise((r) => killed.child.once('exit', r));
    killed.child.kill('SIGKILL');
    await exited;
    await moreReports('reports on the surviving hub', 10);
    hubs.a = await startServe(env(dirs.a));
    await moreReports('reports on both hubs again', 10);
    // CONFLICT: a group message while its listening account was on the killed hub and its lease
    // had not run out yet; the surviving hub's account keeps it on standby and acts on it once
    // the lease is over (STANDBY in src/bots/inbox.ts), after this test has looked.
    expect(traffic.refusedExcept('SERVICE_UNAVAILABLE', 'network', 'CONFLICT')).toEqual({});
    await assertHealthy('kill -9');
  });
});
