import { OutboxMarks } from '../../src/bots/outbox-marks';
import { OutboxWorker } from '../../src/bots/outbox-worker';
import { priorityOf } from '../../src/domain/delivery-lanes';
import { DEMO_POLICY } from '../../src/domain/outbox-policy';
import { ManualClock } from '../../src/infra/clock';
import { FleetRepository } from '../../src/repositories/fleet.repository';
import { OutboxRepository } from '../../src/repositories/outbox.repository';
import { useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-23T03:00:00Z'));
const fixture = useHub({ clock });
const rows = async (sql: string, params: unknown[] = []) => (await fixture.pg.query(sql, params)).rows;
const room = (i: number) => `fleet-${i}@chatroom`;
let seq = 0;
const queue = async (rooms: number[], lane: Parameters<typeof priorityOf>[0], kind = 'rollcall', ref = 'FLEET-T') =>
  new OutboxRepository(fixture.hub.deps.orm.em.fork()).enqueueForRooms(
    rooms.map((r) => ({ roomId: room(r), text: `${kind} ${r}`, dedupeKey: `fleet:${ref}:${seq++}`, kind, ref, priority: priorityOf(lane) })),
    clock.now(),
  );
const join = (account: string, rooms: number[]) => new FleetRepository(fixture.hub.deps.orm.em.fork()).joinGroups(account, rooms.map(room), clock.now());
const recorder = () => {
  const sent: string[] = [];
  return { sent, send: async (roomId: string, text: string) => void sent.push(`${roomId} ${text}`) };
};

it('a message names its group; whichever online account sits in it sends it, each message once, and an account never sends to a group it is not in', async () => {
  await join('acct-a', [1, 2, 3]);
  await join('acct-b', [2, 3, 4]);
  await queue([1, 2, 3, 4, 2, 3], 'bulk', 'rollcall', 'ROUTE');
  const marks = new OutboxMarks(fixture.hub.deps);
  const a = recorder();
  const b = recorder();
  const wa = new OutboxWorker(fixture.hub.deps, 'acct-a', a.send, DEMO_POLICY, undefined, { marks });
  const wb = new OutboxWorker(fixture.hub.deps, 'acct-b', b.send, DEMO_POLICY, undefined, { marks });
  const [na, nb] = await Promise.all([wa.drain(), wb.drain()]);
  expect(na + nb).toBe(6);
  expect(a.sent.some((s) => s.startsWith(room(4)))).toBe(false);
  expect(b.sent.some((s) => s.startsWith(room(1)))).toBe(false);
  const stored = await rows(`select status, bot_account, attempts from outbox_message where ref = 'ROUTE'`);
  expect(stored.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  expect(new Set(stored.map((r) => r.bot_account))).toEqual(new Set(['acct-a', 'acct-b']));
});

it('sends grade I/II instructions first, then replies, then routine ones, chasing and roll-calls; a waiting reply jumps the broadcast', async () => {
  await join('acct-c', [10]);
  await queue([10], 'bulk', 'rollcall', 'LANES');
  await queue([10], 'chase', 'reminder', 'LANES');
  await queue([10], 'routine', 'instruction', 'LANES');
  await queue([10], 'reply', 'reply', 'LANES');
  await queue([10, 10], 'urgent', 'instruction', 'LANES');
  const c = recorder();
  await new OutboxWorker(fixture.hub.deps, 'acct-c', c.send, DEMO_POLICY).drain();
  expect(c.sent.map((s) => s.split(' ')[1])).toEqual(['instruction', 'instruction', 'reply', 'instruction', 'reminder', 'rollcall']);

  // A reply that has waited past its lane's promotion goes before the urgent broadcast.
  await queue([10, 10, 10], 'urgent', 'instruction', 'LANES2');
  await queue([10], 'reply', 'reply', 'LANES2');
  clock.advance(1_000);
  const d = recorder();
  await new OutboxWorker(fixture.hub.deps, 'acct-c', d.send, DEMO_POLICY).drain();
  expect(d.sent.map((s) => s.split(' ')[1])).toEqual(['reply', 'instruction', 'instruction', 'instruction']);
});

it('WeChat\'s rate-limit answer backs that account off alone; the other account in the groups sends its messages', async () => {
  await join('acct-slow', [20, 21, 22]);
  await join('acct-ok', [20, 21, 22]);
  await queue([20, 21, 22, 20, 21, 22], 'urgent', 'instruction', 'LIMIT');
  const marks = new OutboxMarks(fixture.hub.deps);
  let limited: Date | null = null;
  const slow = new OutboxWorker(fixture.hub.deps, 'acct-slow', async () => { throw new Error('发送消息过于频繁，请稍后再试'); }, DEMO_POLICY, undefined, { marks, pacing: { intervalMs: 0, burst: 1, perHour: 0, perDay: 0, rateLimitBackoffMs: 600_000, maxRateLimitBackoffMs: 600_000 } });
  slow.on('rateLimited', (until) => (limited = until));
  expect(await slow.drain()).toBe(1);
  expect(limited).not.toBeNull();
  // It gave its claimed batch back at once, and is held for its back-off.
  expect(await slow.drain()).toBe(0);
  const ok = recorder();
  expect(await new OutboxWorker(fixture.hub.deps, 'acct-ok', ok.send, DEMO_POLICY, undefined, { marks }).drain()).toBe(6);
  expect(await rows(`select count(*)::int as n from outbox_message where ref = 'LIMIT' and status = 'sent' and bot_account = 'acct-ok'`)).toEqual([{ n: 6 }]);
});

it('messages for a group with no online account wait, then become undeliverable after the configured time; the hook hears of them', async () => {
  const deps = fixture.hub.deps;
  const fleet = new FleetRepository(deps.orm.em.fork());
  await fleet.add('acct-away', 'wechaty-puppet-mock', null, clock.now());
  await join('acct-away', [30]);
  await queue([30], 'urgent', 'instruction', 'STRANDED');
  const heard: string[] = [];
  const marks = new OutboxMarks(deps, { onSent: async () => {}, onUndelivered: async (_em, settled) => void heard.push(...settled.map((s) => `${s.ref} ${s.status} ${s.roomId}`)) });
  const sweep = () => marks.undelivered((repo) => repo.sweepStranded(clock.now(), new Date(clock.now().getTime() - deps.config.fleet.undeliverableAfterMs)));
  expect(await sweep()).toEqual([]);
  // The account comes online (leased): the message is no longer stranded.
  expect(await fleet.acquire('inst-x', 'wechaty-puppet-mock', 100, new Date(clock.now().getTime() + 60_000), clock.now())).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'acct-away' })]));
  await fleet.setState('inst-x', 'acct-away', 'online');
  clock.advance(deps.config.fleet.undeliverableAfterMs + 1_000);
  await fleet.renew('inst-x', ['acct-away'], new Date(clock.now().getTime() + 60_000), clock.now());
  expect(await sweep()).toEqual([]);
  expect(await rows(`select status, stranded_since from outbox_message where ref = 'STRANDED'`)).toEqual([{ status: 'pending', stranded_since: null }]);
  // It goes offline: the message waits for BOT_UNDELIVERABLE_AFTER_MS, then is undeliverable.
  await fleet.setState('inst-x', 'acct-away', 'offline');
  await sweep();
  clock.advance(deps.config.fleet.undeliverableAfterMs - 1_000);
  expect(await sweep()).toEqual([]);
  clock.advance(2_000);
  expect((await sweep()).map((s) => s.status)).toEqual(['undeliverable']);
  expect(heard).toEqual([`STRANDED undeliverable ${room(30)}`]);
});
