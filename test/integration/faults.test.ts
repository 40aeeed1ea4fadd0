jest.setTimeout(180000);

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import Redis from 'ioredis';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { freePort } from '../../src/infra/embedded-postgres';
import type * as Op from '../generated/operations';
import { dayKey, dayRange } from '../../src/domain/day-key';
import { REPORT_INCIDENT, STATS, STATS_CHANGED } from '../operations';
import { useDatabase } from '../setup/hub';
import { startServe, type Running } from '../setup/processes';

const ADMIN = 'f'.repeat(32);
const GRID = 'XHG-B03-C07-M12';

const post = async (url: string, query: string, variables?: object) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> };
};
const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const readyChecks = async (hub: Running) => {
  try {
    const res = await fetch(hub.url.replace('/graphql', '/readyz'));
    return ((await res.json()) as { checks: Record<string, unknown> }).checks;
  } catch {
    return null;
  }
};

/** A Redis of this test's own (never the machine's shared one), stopped and started at will. */
class OwnRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    await until('redis-server answering', async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    });
    probe.disconnect();
  }
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

describe('two hub processes when Redis goes away under traffic', () => {
  const db = useDatabase('demo');
  const dataDirs = [mkdtempSync(join(tmpdir(), 'gridhub-fault-a-')), mkdtempSync(join(tmpdir(), 'gridhub-fault-b-'))];
  let redis: OwnRedis;
  const hubs: Running[] = [];
  db.cleanup(async () => {
    for (const h of hubs) if (h.child.exitCode === null) await h.stop();
    await redis?.stop();
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps both hubs alive, stores every accepted report once, says redis:false meanwhile and brings dashboards back to current', async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    const env = (dataDir: string) => ({ DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: 'fault:', ADMIN_TOKEN: ADMIN, DATA_DIR: dataDir });
    const [one, two] = await Promise.all(dataDirs.map((d) => startServe(env(d))));
    hubs.push(one!, two!);

    // A dashboard on hub two: its latest statsChanged value.
    const client = createClient({ url: two!.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN}` }, retryAttempts: 0 });
    let latest: { reported: number } | null = null;
    client.subscribe<Op.StatsChangedSubscription>({ query: STATS_CHANGED, variables: { scope: 'XHG' } }, {
      next: (r) => (latest = r.data?.statsChanged ?? latest),
      error: () => undefined,
      complete: () => undefined,
    });

    // Traffic against both hubs: reports, counting those accepted.
    const accepted: string[] = [];
    const refused: string[] = [];
    let traffic = true;
    let n = 0;
    const load = (async () => {
      while (traffic) {
        const hub = n % 2 ? two! : one!;
        const r = await post(hub.url, REPORT_INCIDENT, { input: { grid: GRID, description: `故障测试 ${n++}`, urgent: false } }).catch((err: unknown) => ({ data: undefined, errors: [{ message: String(err) }] }));
        const code = (r.data?.['reportIncident'] as { code?: string } | undefined)?.code;
        if (code) accepted.push(code);
        else refused.push(JSON.stringify(r.errors));
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    await until('traffic flowing', () => accepted.length >= 5);
    await until('the dashboard\'s first value', () => latest !== null);

    await redis.stop();
    const downAt = accepted.length;
    await until('both hubs say redis:false', async () => (await readyChecks(one!))?.['redis'] === false && (await readyChecks(two!))?.['redis'] === false);
    // Reports keep being accepted with Redis away, and neither process dies.
    await until('reports accepted while Redis is away', () => accepted.length >= downAt + 10);
    await new Promise((r) => setTimeout(r, 3000));
    expect([one!.child.exitCode, two!.child.exitCode]).toEqual([null, null]);

    await redis.start();
    await until('both hubs say redis:true again', async () => (await readyChecks(one!))?.['redis'] === true && (await readyChecks(two!))?.['redis'] === true);
    await until('reports after the return', () => accepted.length >= downAt + 15);
    traffic = false;
    await load;
    expect([one!.child.exitCode, two!.child.exitCode]).toEqual([null, null]);
    expect(refused).toEqual([]);

    // Every accepted report stored once.
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    const stored = await pg.query<{ code: string }>(`select code from incident where description like '故障测试 %'`).finally(() => pg.end());
    expect(stored.rows.map((r) => r.code).sort()).toEqual([...accepted].sort());
    // The dashboard on hub two is current within 5 s (events missed while Redis was away included).
    const { from, to } = dayRange(dayKey(new Date(), 'Asia/Shanghai'), 'Asia/Shanghai');
    const current = ((await post(one!.url, STATS, { scope: 'XHG', from, to })).data as Op.StatsQuery).stats.reported;
    await until(`the dashboard current (${current} reported)`, () => latest?.reported === current, 5_000);
    await client.dispose();
  });
});
