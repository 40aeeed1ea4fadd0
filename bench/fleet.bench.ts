import { performance } from 'node:perf_hooks';
import { LANE_POLICY, priorityOf } from '../src/domain/delivery-lanes';
import { DEMO_POLICY } from '../src/domain/outbox-policy';
import { afterSend, initialPacing, nextSendAt, WECHAT_PACING, type PacingPolicy, type PacingState } from '../src/domain/pacing';
import { loadConfig } from '../src/config';
import { OutboxMarks } from '../src/bots/outbox-marks';
import { OutboxWorker } from '../src/bots/outbox-worker';
import { startHub } from '../src/main';
import { FleetRepository } from '../src/repositories/fleet.repository';
import { OutboxRepository } from '../src/repositories/outbox.repository';
import { seedCity } from '../src/services/seed.service';
import { benchCore, withBenchDatabase } from './incidents.bench';

const count = async (orm: { em: { fork(): unknown } }, sql: string, params: unknown[] = []): Promise<number> => {
  const em = orm.em.fork() as { getConnection(): { execute(sql: string, params: unknown[]): Promise<Array<{ n: string }>> } };
  return Number((await em.getConnection().execute(sql, params))[0]!.n);
};

/**
 * (a) Fleet in real time: the demo city with BOT_ACCOUNTS=20 mock accounts paced at 1.5 s, the
 * street commander issues a grade II instruction to its 631 grids in chat; time until the last
 * group has it against the ideal ceil(631 / 20) × 1.5 s, and the commander's reply latency.
 */
export async function fleetRealTimeBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'fleet_rt', 10, async ({ url, orm }) => {
    await seedCity(orm.em.fork());
    const accounts = 20;
    const intervalMs = 1500;
    const hub = await startHub({ config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', PORT: '0', BOT_ACCOUNTS: String(accounts), BOT_SEND_INTERVAL_MS: String(intervalMs), ADMIN_TOKEN: 'b'.repeat(32) }), jobs: false, seedWhenEmpty: false });
    try {
      const demo = hub.bots!.demo!;
      const t0 = performance.now();
      const replies = await demo.speak('XHG', 'commander', '#指令 II级 请立即排查辖区低洼地带积水隐患', null);
      const replyMs = performance.now() - t0;
      const code = /I\d{8}-\d+/.exec(replies.join(' '))?.[0];
      if (!code) throw new Error(`no instruction code in the reply: ${replies.join(' | ')}`);
      const groups = await count(orm, `select count(*) as n from outbox_message where ref = ? and kind = 'instruction'`, [code]);
      // A second person writes in the middle of the broadcast.
      await new Promise((r) => setTimeout(r, 10_000));
      const t1 = performance.now();
      await demo.speak('XHG-B03', 'chief', '#帮助', null);
      const midReplyMs = performance.now() - t1;
      for (;;) {
        if ((await count(orm, `select count(*) as n from outbox_message where ref = ? and kind = 'instruction' and status = 'pending'`, [code])) === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [last] = await orm.em.fork().getConnection().execute(`select extract(epoch from max(sent_at) - min(created_at)) * 1000 as ms from outbox_message where ref = ? and kind = 'instruction'`, [code]);
      const lastMs = Number((last as { ms: string }).ms);
      const ideal = Math.ceil(groups / accounts) * intervalMs;
      console.log(
        `fleet real time: ${groups} groups, ${accounts} accounts at ${intervalMs} ms: last group told after ${(lastMs / 1000).toFixed(1)} s, ideal ceil(${groups}/${accounts})×${intervalMs / 1000} s = ${(ideal / 1000).toFixed(1)} s, ratio ${(lastMs / ideal).toFixed(3)}× (target ≤ 1.15); ` +
          `commander's reply ${(replyMs / 1000).toFixed(2)} s, a chief's #帮助 mid-broadcast ${(midReplyMs / 1000).toFixed(2)} s (target ≤ 2 s)`,
      );
    } finally {
      await hub.stop();
    }
  });
}

interface SimMessage {
  group: number;
  priority: number;
  createdAt: number;
  taken: boolean;
  sentAt: number;
}

/**
 * (b) City scale on a simulated clock: 100,000 groups, 500 accounts, each group holding two of
 * them, the real pacing policy (WECHAT_PACING: token bucket, hourly and daily caps). Each
 * account sends, at the time its bucket allows, the most urgent oldest message of its groups
 * (the rule `claimDue` applies in SQL); a reply arriving mid-broadcast is timed too.
 */
export function fleetSimulationBench(): void {
  const groups = 100_000;
  const accounts = 500;
  const pacing: PacingPolicy = WECHAT_PACING;
  const wall = performance.now();
  const msgs: SimMessage[] = [];
  for (let g = 0; g < groups; g++) msgs.push({ group: g, priority: priorityOf('urgent'), createdAt: 0, taken: false, sentAt: -1 });
  const reply: SimMessage = { group: 12_345, priority: priorityOf('reply'), createdAt: 60_000, taken: false, sentAt: -1 };
  // Account a sits in the groups g with g % (accounts / 2) === a % (accounts / 2): two accounts per group.
  const half = accounts / 2;
  const queues: SimMessage[][] = Array.from({ length: half }, () => []);
  for (const m of msgs) queues[m.group % half]!.push(m);
  const cursor = new Array<number>(half).fill(0);
  const states: PacingState[] = Array.from({ length: accounts }, () => initialPacing(pacing, 0));
  // A min-heap of (time, account).
  const heap: Array<[number, number]> = [];
  const push = (e: [number, number]) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] <= heap[i]![0]) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const end = heap.pop()!;
    if (heap.length) {
      heap[0] = end;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  for (let a = 0; a < accounts; a++) push([0, a]);
  let last = 0;
  let sent = 0;
  const promoteAfter = LANE_POLICY.reply.promoteAfterMs ?? Infinity;
  while (heap.length && sent < groups + 1) {
    const [now, a] = pop();
    const at = nextSendAt(states[a]!, pacing, now);
    if (at > now) {
      push([at, a]);
      continue;
    }
    const k = a % half;
    // The reply (in this account's groups, arrived and waiting past its promotion) goes first.
    let m: SimMessage | undefined;
    if (!reply.taken && reply.group % half === k && reply.createdAt <= now && (now - reply.createdAt >= promoteAfter || cursor[k]! >= queues[k]!.length)) m = reply;
    else {
      const q = queues[k]!;
      while (cursor[k]! < q.length && q[cursor[k]!]!.taken) cursor[k]!++;
      m = q[cursor[k]!];
      if (m) cursor[k]!++;
    }
    if (!m) {
      if (!reply.taken && reply.group % half === k) push([Math.max(now + 1, reply.createdAt), a]);
      continue;
    }
    m.taken = true;
    m.sentAt = now;
    sent++;
    if (m !== reply) last = Math.max(last, now);
    states[a] = afterSend(states[a]!, pacing, now);
    push([nextSendAt(states[a]!, pacing, now), a]);
  }
  const wallMs = performance.now() - wall;
  const ideal = Math.ceil(groups / accounts) * pacing.intervalMs;
  console.log(
    `fleet simulated: ${groups.toLocaleString('en')} groups, ${accounts} accounts (2 per group), WeChat pacing ${pacing.intervalMs} ms burst ${pacing.burst}: last group told at ${(last / 1000).toFixed(1)} s simulated, ideal ceil(${groups}/${accounts})×${pacing.intervalMs / 1000} s = ${(ideal / 1000).toFixed(1)} s, ratio ${(last / ideal).toFixed(3)}× (target ≤ 1.15); ` +
      `a reply arriving mid-broadcast sent after ${((reply.sentAt - reply.createdAt) / 1000).toFixed(2)} s; simulation wall time ${wallMs.toFixed(0)} ms`,
  );
}

/**
 * (c) Outbox drain rate, unpaced, through the real claim / group-committed marks: 500 accounts
 * (5,000 groups, two accounts each, 20,000 messages) against one account draining alone, and
 * against the 333 messages/s 500 paced accounts need.
 */
export async function fleetDrainBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'fleet_drain', 10, async ({ url, orm }) => {
    const core = await benchCore(url, 10);
    try {
      const rooms = 5000;
      const accounts = 500;
      const perRoom = 4;
      const half = accounts / 2;
      const fleet = new FleetRepository(orm.em.fork());
      const now = new Date();
      const roomId = (r: number) => `bench-${r}@chatroom`;
      for (let a = 0; a < accounts; a++) {
        const mine: string[] = [];
        for (let r = a % half; r < rooms; r += half) mine.push(roomId(r));
        await fleet.joinGroups(`acct${a}`, mine, now);
      }
      await fleet.joinGroups('solo', Array.from({ length: rooms }, (_, r) => roomId(r)), now);
      const send = async () => {
        await new Promise((r) => setImmediate(r));
      };
      const enqueue = async (label: string, n: number) => {
        const drafts = Array.from({ length: n }, (_, i) => ({ roomId: roomId(i % rooms), text: '请各网格 20:00 前完成日清', dedupeKey: `${label}:${i}`, kind: 'rollcall', priority: priorityOf('bulk') }));
        for (let i = 0; i < drafts.length; i += 5000) await new OutboxRepository(orm.em.fork()).enqueueForRooms(drafts.slice(i, i + 5000), new Date());
      };
      const policy = { ...DEMO_POLICY, intervalMs: 0 };

      // One account alone (it sits in every group).
      await enqueue('solo', 5000);
      const soloMarks = new OutboxMarks(core.deps);
      const solo = new OutboxWorker(core.deps, 'solo', send, policy, undefined, { marks: soloMarks });
      let t = performance.now();
      const soloSent = await solo.drain();
      const soloRate = (soloSent * 1000) / (performance.now() - t);

      const total = rooms * perRoom;
      await enqueue('fleet', total);
      const marks = new OutboxMarks(core.deps);
      const workers = Array.from({ length: accounts }, (_, a) => new OutboxWorker(core.deps, `acct${a}`, send, policy, undefined, { marks }));
      t = performance.now();
      const drained = (await Promise.all(workers.map((w) => w.drain()))).reduce((x, y) => x + y, 0);
      const ms = performance.now() - t;
      const rate = (drained * 1000) / ms;
      const left = await count(orm, `select count(*) as n from outbox_message where status = 'pending'`);
      console.log(
        `outbox drain, unpaced: ${accounts} accounts ${rate.toFixed(0)} messages/s (${drained} in ${ms.toFixed(0)} ms, ${left} left), one account alone ${soloRate.toFixed(0)}/s: ratio ${(rate / soloRate).toFixed(1)}×; ` +
          `against the 333/s 500 paced accounts need: ${(rate / 333).toFixed(1)}× (target ≥ 3)`,
      );
    } finally {
      await core.stop();
    }
  });
}

