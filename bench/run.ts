/**
 * `npm run bench`: benchmarks live here, never in `npm test`. Each prints its figure beside a
 * baseline measured in the same run. The ones the issues ask for (report ingest, stats over a
 * million incidents, instruction fan-out) arrive with their features.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ingestBench, statsBench } from './incidents.bench';
import { outboxBench, parserBench } from './bot.bench';
import { classifierBench } from './classifier.bench';
import { instructionBench } from './instructions.bench';
import { fanoutBench } from './fanout.bench';
import { fleetDrainBench, fleetRealTimeBench, fleetSimulationBench } from './fleet.bench';
import { soakBench } from './soak.bench';

async function subtreeBench(url: string): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query('create extension if not exists ltree');
    await db.query('create temporary table bench_grid (id int primary key, parent_id int, path ltree not null)');
    // 100,000 grids: 10 districts × 10 streets × 10 blocks × 10 communities × 10 grids.
    await db.query(`insert into bench_grid (id, parent_id, path)
      select g, null, text2ltree(concat_ws('.', g / 10000, g / 1000, g / 100, g / 10, g)) from generate_series(1, 100000) g`);
    await db.query('create index on bench_grid using gist (path)');
    await db.query('analyze bench_grid');
    const target = (await db.query<{ path: string }>('select path::text from bench_grid where id = 12345')).rows[0]!.path.split('.').slice(0, 3).join('.');
    const time = async (sql: string, params: unknown[]) => {
      const runs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await db.query(sql, params);
        runs.push(performance.now() - t);
      }
      runs.sort((a, b) => a - b);
      return runs[Math.floor(runs.length / 2)]!;
    };
    const indexed = await time('select count(*) from bench_grid where path <@ $1::ltree', [target]);
    const scan = await time(`select count(*) from bench_grid where path::text like $1`, [`${target}.%`]);
    console.log(`subtree of ${target} in 100k grids: ltree+GiST ${indexed.toFixed(2)} ms, baseline text LIKE scan ${scan.toFixed(2)} ms, ratio ${(scan / indexed).toFixed(1)}×`);
  } finally {
    await db.end();
  }
}

async function main(): Promise<void> {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('set DATABASE_URL to a PostgreSQL the benchmark may use');
  // `npm run bench -- ingest stats` runs only those; no names runs them all (`fleet`, `soak` included).
  // `--fleet` is the old spelling of `fleet`.
  const only = new Set(process.argv.slice(2).map((a) => a.replace(/^--/, '')));
  const run = async (name: string, fn: () => unknown): Promise<void> => {
    if (only.size === 0 || only.has(name)) await fn();
  };
  await run('subtree', () => subtreeBench(url));
  await run('ingest', () => ingestBench(url));
  await run('stats', () => statsBench(url));
  await run('parser', () => parserBench());
  await run('classifier', () => classifierBench());
  await run('outbox', () => outboxBench(url));
  await run('instructions', () => instructionBench(url));
  await run('fanout', () => fanoutBench(url));
  await run('fleet', async () => {
    fleetSimulationBench();
    await fleetDrainBench(url);
    await fleetRealTimeBench(url);
  });
  await run('soak', () => soakBench(url));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
