import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { OPERATOR } from '../src/domain/actor';
import { createLogger } from '../src/infra/logger';
import { migrate, openOrm } from '../src/infra/orm';
import { openCore, type Core } from '../src/main';
import { dropDatabase, ensureDatabase, withDatabase } from '../src/infra/database-admin';
import { loadConfig } from '../src/config';
import { createScope } from '../src/scope';
import { seedCity } from '../src/services/seed.service';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await fn(next++);
  }));
}

/** A fresh migrated database for one benchmark, with an ORM and a raw pool; dropped afterwards. */
export async function withBenchDatabase(serverUrl: string, label: string, poolMax: number, fn: (ctx: { url: string; orm: Awaited<ReturnType<typeof openOrm>>; raw: Pool }) => Promise<void>): Promise<void> {
  const name = `gridhub_bench_${label}_${process.pid}`;
  const maintenance = withDatabase(serverUrl, 'postgres');
  await dropDatabase(maintenance, name);
  await ensureDatabase(maintenance, name);
  const url = withDatabase(serverUrl, name);
  const orm = await openOrm({ url, log: createLogger('silent'), poolMax });
  const raw = new Pool({ connectionString: url, max: poolMax });
  try {
    await migrate(orm);
    await fn({ url, orm, raw });
  } finally {
    await raw.end();
    await orm.close();
    await dropDatabase(maintenance, name);
  }
}

/** The hub's container (src/main.ts) on a benchmark's database, already migrated; stop it after. */
export function benchCore(url: string, poolMax: number): Promise<Core> {
  return openCore({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }), migrate: false, redis: false, poolMax });
}

/** The triggers that keep the rollups (migrations/Migration20261204140000.ts). */
const ROLLUP_TRIGGERS = ['incident_rollup_insert', 'incident_rollup_update', 'incident_rollup_delete'];
async function rollupTriggers(raw: Pool, on: boolean): Promise<void> {
  for (const t of ROLLUP_TRIGGERS) await raw.query(`alter table incident ${on ? 'enable' : 'disable'} trigger ${t}`);
}

/**
 * Reports through IncidentService (real PostgreSQL) beside raw pg INSERTs of the same rows, and
 * the same service ingest with the rollup triggers on and off, interleaved rounds in one run.
 */
export async function ingestBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'ingest', 20, async ({ url, orm, raw }) => {
    await seedCity(orm.em.fork());
    const core = await benchCore(url, 20);
    const { deps } = core;
    try {
      const grids = (await raw.query<{ code: string; id: number; path: string }>(`select code, id, path::text from grid where level = 'micro_grid' order by code`)).rows;
      const C = 16;
      let seq = 0;
      const serviceRate = async (n: number) => {
        const t0 = performance.now();
        await pool(n, C, async (i) => {
          await createScope(deps, OPERATOR).incidents.report(OPERATOR, { grid: grids[i % grids.length]!.code, description: `3栋下水道篦子破损 ${seq++}` });
        });
        return n / ((performance.now() - t0) / 1000);
      };
      await serviceRate(500); // warm-up
      const N = 3000;
      const service = await serviceRate(N);
      const t1 = performance.now();
      await pool(N, C, async (i) => {
        const g = grids[i % grids.length]!;
        await raw.query(
          `insert into incident (code, grid_id, path, description, category, urgent, status, deadline_at, created_at, updated_at)
           values ($1, $2, $3::ltree, $4, 'safety_hazard', false, 'reported', now() + interval '24 hours', now(), now())`,
          [`E19990101-${String(i + 1).padStart(4, '0')}`, g.id, g.path, `3栋下水道篦子破损 ${i}`],
        );
      });
      const rawRate = N / ((performance.now() - t1) / 1000);
      console.log(`report ingest: service ${service.toFixed(0)} reports/s (code + incident + timeline + rollups in one transaction), raw pg INSERT ${rawRate.toFixed(0)} rows/s, ratio ${(service / rawRate).toFixed(2)}× (target ≥ 2000/s and ≥ 0.3×)`);
      // Rollup cost: interleaved rounds with the triggers on and off; medians of each.
      const on: number[] = [];
      const off: number[] = [];
      for (let round = 0; round < 4; round++) {
        await rollupTriggers(raw, false);
        off.push(await serviceRate(2000));
        await rollupTriggers(raw, true);
        on.push(await serviceRate(2000));
      }
      const med = (xs: number[]) => pct(xs, 0.5);
      console.log(`report ingest with rollup triggers ${med(on).toFixed(0)} reports/s, without ${med(off).toFixed(0)} reports/s (medians of 4 interleaved rounds of 2000), ratio ${(med(on) / med(off)).toFixed(2)}× (target ≥ 0.90×)`);
    } finally {
      await core.stop();
    }
  });
}

const time = async (runs: number, fn: () => Promise<unknown>): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    out.push(performance.now() - s);
  }
  return out;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 0.5).toFixed(1)} ms, p99 ${pct(xs, 0.99).toFixed(1)} ms`;

/** stats(scope: street) over 1,000,000 incidents in a 100,111-grid tree, read from the rollups. */
export async function statsBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'stats', 12, async ({ url, raw }) => {
    const t = performance.now();
    const db = await raw.connect();
    try {
      // 1 city › 10 districts › 10 streets each › 10 communities › 100 micro-grids = 100,111 grids.
      await db.query(`insert into grid (id, code, name, level, parent_id, path, depth) values (1, 'C', 'city', 'city', null, '1', 0)`);
      await db.query(`insert into grid (id, code, name, level, parent_id, path, depth)
        select 1 + d, 'C-D' || d, 'd', 'district', 1, text2ltree('1.' || (1 + d)), 1 from generate_series(1, 10) d`);
      await db.query(`insert into grid (id, code, name, level, parent_id, path, depth)
        select 100 + s, 'C-S' || s, 's', 'street', 1 + (s - 1) / 10 + 1, text2ltree('1.' || (1 + (s - 1) / 10 + 1) || '.' || (100 + s)), 2 from generate_series(1, 100) s`);
      await db.query(`insert into grid (id, code, name, level, parent_id, path, depth)
        select 1000 + c, 'C-K' || c, 'c', 'community', 100 + (c - 1) / 10 + 1,
               text2ltree((select path::text from grid where id = 100 + (c - 1) / 10 + 1) || '.' || (1000 + c)), 3 from generate_series(1, 1000) c`);
      await db.query(`insert into grid (id, code, name, level, parent_id, path, depth)
        select 10000 + m, 'C-M' || m, 'm', 'micro_grid', 1000 + (m - 1) / 100 + 1,
               text2ltree(p.path::text || '.' || (10000 + m)), 4
          from generate_series(1, 100000) m join grid p on p.id = 1000 + (m - 1) / 100 + 1`);
      await db.query(`select setval('grid_id_seq', 200000)`);
      // One set-based INSERT with the rollup triggers off in this session, then one set-based recount.
      await db.query(`set session_replication_role = replica`);
      await db.query(`insert into incident (code, grid_id, path, description, category, urgent, status, deadline_at, created_at, updated_at, closed_at, satisfied)
        select 'E2026' || lpad((n / 10000)::text, 4, '0') || '-' || (n % 10000 + 1), g.id, g.path, 'x',
               (array['sanitation','safety_hazard','facility','dispute','other'])[1 + n % 5], n % 17 = 0,
               (array['handled','closed','closed','dispatched','reported'])[1 + n % 5],
               ts + interval '72 hours', ts, ts, case when n % 5 in (0, 1, 2) then ts + interval '5 hours' end,
               case when n % 5 in (1, 2) then n % 7 <> 0 end
          from generate_series(0, 999999) n
          join grid g on g.id = 10000 + 1 + ((n::bigint * 7919) % 100000)::int
          cross join lateral (select timestamptz '2026-01-01' + (n % 300) * interval '1 day' + (n % 86400) * interval '1 second' as ts) t`);
      await db.query(`set session_replication_role = origin`);
      const inserted = performance.now() - t;
      const r0 = performance.now();
      await db.query(`select gridhub_rollup_rebuild()`);
      const rebuilt = performance.now() - r0;
      // What autovacuum does soon after: the visibility map lets the rollup reads stay index-only.
      await db.query('vacuum analyze');
      const rollupRows = (await db.query<{ n: string }>(`select count(*) as n from incident_rollup`)).rows[0]!.n;
      console.log(`stats bench database: 100,111 grids + 1,000,000 incidents in ${(inserted / 1000).toFixed(0)} s, rollups recounted (${rollupRows} rows) in ${(rebuilt / 1000).toFixed(0)} s`);

      const core = await benchCore(url, 8);
      try {
        const stats = createScope(core.deps, OPERATOR).stats;
        const street = (await db.query<{ path: string }>(`select path::text from grid where code = 'C-S37'`)).rows[0]!.path;
        const from = new Date('2026-01-01T00:00:00Z');
        const to = new Date('2027-01-01T00:00:00Z');
        const query = () => createScope(core.deps, OPERATOR).stats.stats(OPERATOR, 'C-S37', from, to);
        await time(20, query); // warm-up
        const quiet = await time(300, query);
        const base = await time(300, () => raw.query(`select count(*) from incident where path <@ $1::ltree`, [street]));
        const r = await query();
        console.log(`stats(scope: street) over 1,000,000 incidents in 100,111 grids, from rollups, UTC year (two partial Shanghai days read from incidents): ${fmt(quiet)} for ${r.reported} incidents; baseline bare count(*) of the subtree ${fmt(base)}, p50 ratio ${(pct(quiet, 0.5) / pct(base, 0.5)).toFixed(2)}×, p99 ratio ${(pct(quiet, 0.99) / pct(base, 0.99)).toFixed(2)}× (target p99 ≤ 20 ms)`);
        // What a dashboard in TZ_GRID asks: whole days only, all from the rollups.
        const [dayFrom, dayTo] = [new Date('2025-12-31T16:00:00Z'), new Date('2026-12-31T16:00:00Z')];
        const whole = await time(300, () => createScope(core.deps, OPERATOR).stats.stats(OPERATOR, 'C-S37', dayFrom, dayTo));
        console.log(`stats(scope: street), the year in whole Shanghai days (rollups only): ${fmt(whole)}; p99 ratio to the bare count(*) ${(pct(whole, 0.99) / pct(base, 0.99)).toFixed(2)}× (target p99 ≤ 20 ms)`);
        const snap = await stats.stats(OPERATOR, 'C-S37', from, to);
        const breakdowns = await time(50, async () => {
          snap.breakdowns.clear();
          await Promise.all((['grid', 'category', 'department', 'day'] as const).map((by) => stats.breakdown(snap, by)));
        });
        const league = await time(50, () => stats.league(OPERATOR, 'C-S37', from, to));
        console.log(`street breakdowns (by grid, category, department, day together): ${fmt(breakdowns)}; league of its 10 communities: ${fmt(league)}`);

        // Under load: the same query while reports stream in through the service (4 writers).
        const grids = (await db.query<{ code: string }>(`select code from grid where path <@ $1::ltree and level = 'micro_grid' order by code limit 200`, [street])).rows;
        let stop = false;
        let written = 0;
        const writers = Array.from({ length: 4 }, async () => {
          while (!stop) {
            await createScope(core.deps, OPERATOR).incidents.report(OPERATOR, { grid: grids[written % grids.length]!.code, description: `路灯不亮了 ${written}` });
            written++;
          }
        });
        const t0 = performance.now();
        const loaded = await time(300, query);
        const rate = written / ((performance.now() - t0) / 1000);
        stop = true;
        await Promise.all(writers);
        const loadedBase = await (async () => {
          stop = false;
          const w2 = Array.from({ length: 4 }, async () => {
            while (!stop) {
              await createScope(core.deps, OPERATOR).incidents.report(OPERATOR, { grid: grids[written % grids.length]!.code, description: `路灯不亮了 ${written}` });
              written++;
            }
          });
          const xs = await time(300, () => raw.query(`select count(*) from incident where path <@ $1::ltree`, [street]));
          stop = true;
          await Promise.all(w2);
          return xs;
        })();
        console.log(`stats(scope: street) under load (4 writers, ${rate.toFixed(0)} reports/s): ${fmt(loaded)}; baseline bare count(*) under the same load ${fmt(loadedBase)} (target p99 ≤ 20 ms)`);

        // The other read path measured: one rollup row set per grid (no ancestors), the subtree by a GiST join on the grid path.
        await db.query(`create table bench_leaf_rollup as
          select i.path, f.day, f.category, f.department_id, f.deadline_day, sum(f.reported) as reported, sum(f.handled) as handled, sum(f.closed) as closed,
                 sum(f.on_time) as on_time, sum(f.rated) as rated, sum(f.satisfied) as satisfied, sum(f.open) as open
            from incident i cross join lateral gridhub_incident_figures(i, 'Asia/Shanghai') f group by 1, 2, 3, 4, 5`);
        await db.query(`create index on bench_leaf_rollup using gist (path)`);
        await db.query(`analyze bench_leaf_rollup`);
        const leaf = await time(100, () => raw.query(`select sum(reported), sum(handled), sum(closed), sum(on_time), sum(rated), sum(satisfied), sum(open) filter (where deadline_day < current_date)
          from bench_leaf_rollup where path <@ $1::ltree and day >= '2026-01-02' and day < '2027-01-01'`, [street]));
        const leafRows = (await db.query<{ n: string }>(`select count(*) as n from bench_leaf_rollup`)).rows[0]!.n;
        console.log(`alternative measured: per-grid rollup (${leafRows} rows) joined by subtree path: ${fmt(leaf)} (vs per-ancestor rollup above ${fmt(quiet)})`);
      } finally {
        await core.stop();
      }
    } finally {
      db.release();
    }
  });
}
