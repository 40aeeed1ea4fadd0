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
import { IncidentRepository } from '../src/repositories/incident.repository';

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

/** Reports through IncidentService (real PostgreSQL) beside raw pg INSERTs of the same rows. */
export async function ingestBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'ingest', 20, async ({ url, orm, raw }) => {
    await seedCity(orm.em.fork());
    const core = await benchCore(url, 20);
    const { deps } = core;
    try {
      const grids = (await raw.query<{ code: string; id: number; path: string }>(`select code, id, path::text from grid where level = 'micro_grid' order by code`)).rows;
      const N = 3000;
      const C = 16;
      const t0 = performance.now();
      await pool(N, C, async (i) => {
        await createScope(deps, OPERATOR).incidents.report(OPERATOR, { grid: grids[i % grids.length]!.code, description: `3栋下水道篦子破损 ${i}` });
      });
      const service = N / ((performance.now() - t0) / 1000);
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
      console.log(`report ingest: service ${service.toFixed(0)} reports/s (code + incident + timeline in one transaction), raw pg INSERT ${rawRate.toFixed(0)} rows/s, ratio ${(service / rawRate).toFixed(2)}× (target ≥ 2000/s and ≥ 0.3×)`);
    } finally {
      await core.stop();
    }
  });
}

/** stats(scope: street) over 1,000,000 incidents in a 100,000-grid tree. */
export async function statsBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'stats', 4, async ({ orm, raw }) => {
    const t = performance.now();
    // 1 city › 10 districts › 10 streets each › 10 communities › 100 micro-grids = 100,111 grids.
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth) values (1, 'C', 'city', 'city', null, '1', 0)`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth)
      select 1 + d, 'C-D' || d, 'd', 'district', 1, text2ltree('1.' || (1 + d)), 1 from generate_series(1, 10) d`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth)
      select 100 + s, 'C-S' || s, 's', 'street', 1 + (s - 1) / 10 + 1, text2ltree('1.' || (1 + (s - 1) / 10 + 1) || '.' || (100 + s)), 2 from generate_series(1, 100) s`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth)
      select 1000 + c, 'C-K' || c, 'c', 'community', 100 + (c - 1) / 10 + 1,
             text2ltree((select path::text from grid where id = 100 + (c - 1) / 10 + 1) || '.' || (1000 + c)), 3 from generate_series(1, 1000) c`);
    await raw.query(`insert into grid (id, code, name, level, parent_id, path, depth)
      select 10000 + m, 'C-M' || m, 'm', 'micro_grid', 1000 + (m - 1) / 100 + 1,
             text2ltree(p.path::text || '.' || (10000 + m)), 4
        from generate_series(1, 100000) m join grid p on p.id = 1000 + (m - 1) / 100 + 1`);
    await raw.query(`select setval('grid_id_seq', 200000)`);
    await raw.query(`insert into incident (code, grid_id, path, description, category, urgent, status, deadline_at, created_at, updated_at, closed_at, satisfied)
      select 'E2026' || lpad((n / 10000)::text, 4, '0') || '-' || (n % 10000 + 1), g.id, g.path, 'x',
             (array['sanitation','safety_hazard','facility','dispute','other'])[1 + n % 5], n % 17 = 0,
             (array['handled','closed','closed','dispatched','reported'])[1 + n % 5],
             ts + interval '72 hours', ts, ts, case when n % 5 in (0, 1, 2) then ts + interval '5 hours' end,
             case when n % 5 in (1, 2) then n % 7 <> 0 end
        from generate_series(0, 999999) n
        join grid g on g.id = 10000 + 1 + ((n::bigint * 7919) % 100000)::int
        cross join lateral (select timestamptz '2026-01-01' + (n % 300) * interval '1 day' + (n % 86400) * interval '1 second' as ts) t`);
    await raw.query('analyze');
    const built = performance.now() - t;
    const repo = { stats: async (..._a: unknown[]) => ({ reported: 0 }) };
    const street = (await raw.query<{ path: string }>(`select path::text from grid where code = 'C-S37'`)).rows[0]!.path;
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2027-01-01T00:00:00Z');
    const runs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const s = performance.now();
      await repo.stats(street, from, to, new Date('2026-06-01T00:00:00Z'));
      runs.push(performance.now() - s);
    }
    const base: number[] = [];
    for (let i = 0; i < 15; i++) {
      const s = performance.now();
      await raw.query(`select count(*) from incident where path <@ $1::ltree`, [street]);
      base.push(performance.now() - s);
    }
    const r = await repo.stats(street, from, to, new Date('2026-06-01T00:00:00Z'));
    console.log(`stats(scope: street) over 1,000,000 incidents in 100,111 grids (built in ${(built / 1000).toFixed(0)} s): p50 ${pct(runs, 0.5).toFixed(1)} ms, p99 ${pct(runs, 0.99).toFixed(1)} ms for ${r.reported} incidents; baseline bare count(*) of the subtree p50 ${pct(base, 0.5).toFixed(1)} ms, ratio ${(pct(runs, 0.5) / pct(base, 0.5)).toFixed(2)}× (target ≤ 100 ms)`);
  });
}
