import { startHub, type Hub } from '../src/main';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/infra/logger';
import { epochNow, fmt, pct, subscribers, SUBSCRIBERS } from './fanout.bench';
import { withBenchDatabase } from './incidents.bench';

const ADMIN = `bench-admin-${'x'.repeat(20)}`;
const QUERY = 'subscription { instructionIssued { code grade title targets ackDeadlineAt } }';

/**
 * Issue 5's benchmark: an instruction to a 100,000-grid tree with 10,000 graphql-ws
 * subscribers (the comparison with a bare graphql-ws server is fanout.bench.ts).
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
      await subs.close();
      console.log(
        `instruction fan-out over ${grids.toLocaleString('en')} grids: (a) issueInstruction answered after commit of ${r.targets.toLocaleString('en')} receipts + ${outbox.toLocaleString('en')} outbox rows in ${r.committed.toFixed(0)} ms (target ≤ 3000 ms); ` +
          `(b) instructionIssued at ${lat.length}/${SUBSCRIBERS} graphql-ws subscribers, from the call: ${fmt(lat)}, after the commit: p99 ${(pct(lat, 0.99) - r.committed).toFixed(0)} ms (target p99 ≤ 1000 ms)`,
      );
    } finally {
      await hub.stop();
    }
  });
}
