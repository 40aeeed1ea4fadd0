jest.setTimeout(300_000);

import { Client } from 'pg';
import type * as Op from '../generated/operations';
import { ADD_BOT_ACCOUNT, DELIVERY_PROGRESS, FLEET, ISSUE_INSTRUCTION, RETIRE_BOT_ACCOUNT } from '../operations';
import { redisPrefix, testRedisUrl, useDatabase } from '../setup/hub';
import { startServe, type Running } from '../setup/processes';

const ADMIN = 'f'.repeat(32);
const post = async <T>(url: string, query: string, variables?: object): Promise<T> => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
};
const until = async (what: string, check: () => Promise<boolean>, ms = 120_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('a fleet of bot accounts on two hub processes', () => {
  const db = useDatabase('demo');
  const running: Running[] = [];
  let pg: Client;
  beforeAll(async () => {
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });
  db.cleanup(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) await r.stop();
    await pg.end();
  });

  it('kill -9 of the instance serving half the accounts mid-broadcast: every group gets the instruction once, bar at most one in-flight message per account', async () => {
    const env = {
      DATABASE_URL: db.url, REDIS_URL: await testRedisUrl(), REDIS_PREFIX: redisPrefix(), ADMIN_TOKEN: ADMIN,
      BOT_ACCOUNTS: '6', BOT_SEND_INTERVAL_MS: '80', BOT_SEND_BURST: '1', BOT_LEASE_MS: '10000', LOG_LEVEL: 'warn',
    };
    const one = await startServe(env);
    running.push(one);
    const two = await startServe(env);
    running.push(two);
    const instanceOf = (r: Running) => `:${r.child.pid}:`;
    // The two instances share the six accounts fairly: three each, all online.
    await until('three accounts online on each instance', async () => {
      const { bots } = await post<Op.FleetQuery>(one.url, FLEET);
      const on = (r: Running) => bots.filter((b) => b.instance?.includes(instanceOf(r)) && b.status === 'online').length;
      return bots.length === 6 && on(one) === 3 && on(two) === 3;
    });

    const issued = await post<Op.IssueInstructionMutation>(two.url, ISSUE_INSTRUCTION, { input: { scope: 'XHG', grade: 'II', title: '防汛紧急排查', body: '请立即排查辖区低洼地带' } });
    const ref = issued.issueInstruction.code;
    const groups = Number((await pg.query(`select count(*) as n from outbox_message where ref = $1`, [ref])).rows[0].n);
    expect(groups).toBeGreaterThan(600);
    // Mid-broadcast: some sent, most not.
    await until('the broadcast under way', async () => Number((await pg.query(`select count(*) as n from outbox_message where ref = $1 and status = 'sent'`, [ref])).rows[0].n) >= 60, 60_000);
    one.child.kill('SIGKILL');
    const sentAtKill = Number((await pg.query(`select count(*) as n from outbox_message where ref = $1 and status = 'sent'`, [ref])).rows[0].n);
    expect(sentAtKill).toBeLessThan(groups);

    // The survivor takes the dead instance's accounts over and finishes the broadcast.
    await until('every group told', async () => {
      const p = await post<Op.DeliveryProgressQuery>(two.url, DELIVERY_PROGRESS, { ref });
      return p.deliveryProgress.total.sent === groups;
    }, 180_000);
    await until('all six accounts on the survivor', async () => {
      const { bots } = await post<Op.FleetQuery>(two.url, FLEET);
      return bots.filter((b) => b.instance?.includes(instanceOf(two)) && b.status === 'online').length === 6;
    }, 60_000);
    const rows = (await pg.query(`select dedupe_key, status, attempts from outbox_message where ref = $1`, [ref])).rows as Array<{ dedupe_key: string; status: string; attempts: number }>;
    // One message per group (dedupe keys are unique), each sent.
    expect(new Set(rows.map((r) => r.dedupe_key)).size).toBe(groups);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // A send that started on the dead instance and never got recorded is sent again: at most one per account it served.
    const repeated = rows.filter((r) => r.attempts > 1).length;
    process.stdout.write(`kill -9 mid-broadcast: ${groups} groups, ${sentAtKill} sent before the kill, ${repeated} message(s) possibly sent twice (bound: 3)\n`);
    expect(repeated).toBeLessThanOrEqual(3);
    const progress = await post<Op.DeliveryProgressQuery>(two.url, DELIVERY_PROGRESS, { ref });
    expect(progress.deliveryProgress.lanes).toEqual([{ lane: 'urgent', priority: 0, queued: 0, sent: groups }]);
    expect(progress.deliveryProgress.accounts.length).toBe(6);
  });

  it('accounts are added and retired over GraphQL; a retired account stops being served', async () => {
    const two = running[1]!;
    expect((await post<Op.AddBotAccountMutation>(two.url, ADD_BOT_ACCOUNT, { name: 'demo7' })).addBotAccount).toEqual({ name: 'demo7', status: 'offline' });
    await pg.query(`insert into chat_group_account (room_id, bot_account, seen_at) select room_id, 'demo7', now() from chat_group where room_id like 'demo-%'`);
    await until('demo7 served', async () => (await post<Op.FleetQuery>(two.url, FLEET)).bots.some((b) => b.name === 'demo7' && b.status === 'online'), 30_000);
    expect((await post<Op.RetireBotAccountMutation>(two.url, RETIRE_BOT_ACCOUNT, { name: 'demo7' })).retireBotAccount).toEqual({ name: 'demo7', status: 'retired' });
    await until('demo7 no longer served', async () => (await pg.query(`select instance_id from bot_account where name = 'demo7'`)).rows[0].instance_id === null, 10_000);
  });
});
