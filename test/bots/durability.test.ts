import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { STANDBY } from '../../src/bots/inbox';
import { OutboxWorker } from '../../src/bots/outbox-worker';
import { DEMO_POLICY } from '../../src/domain/outbox-policy';
import { OutboxRepository } from '../../src/repositories/outbox.repository';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { BOTS, OUTBOX_MESSAGES } from '../operations';
import { codeIn, say } from '../setup/bot';
import { ADMIN, gqlOk, useHub, type Hub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-23T03:00:00Z'));
const M = 'XHG-B02-C03-M05';
const ROOM = `demo-${M}@chatroom`;

// Hubs start and stop inside the tests (restarts, crashes); the fixture stops what is left.
const fixture = useHub({ clock, bots: true, instances: 0 });
const hubs = fixture.hubs;
const start = () => fixture.start();
const stop = (hub: Hub) => fixture.stop(hub);
const until = async (what: string, check: () => Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};
/**
 * Serves `account` and runs a round of the inbox's retry loop until message `messageId`, a
 * standby copy, has been looked at (the loop's own round may be the one that takes it).
 */
const lookAgain = async (hub: Hub, account: string, messageId: string) => {
  hub.bots!.inbox.serve(account);
  const now = clock.now();
  await until(`${account} looked at ${messageId}`, async () => {
    await hub.bots!.inbox.retryNow();
    const row = await one<{ status: string; retry_at: Date }>(`select status, retry_at from inbound_message where bot_account = $1 and message_id = $2`, [account, messageId]);
    return row.status !== 'pending' || row.retry_at.getTime() === now.getTime() + STANDBY.lookEveryMs;
  });
};
const one = async <T>(sql: string, params: unknown[] = []) => (await fixture.pg.query(sql, params)).rows[0] as T;


it('messages stored before a crash are acted on at the next start, and a report is never filed twice', async () => {
  // The first run binds the demo world, then "crashes" after storing two messages: one before
  // anything was done, one after its incident was filed but before it was marked done.
  const first = await start();
  const worker = await one<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M]);
  const filed = await createScope(first.deps, OPERATOR).incidents.report(OPERATOR, { grid: M, description: '消防通道被车辆堵塞', sourceKey: 'wechat:demo:crash-filed' });
  await stop(first);
  for (const [id, text] of [['crash-new', '#上报 3号楼电梯困人'], ['crash-filed', '#上报 消防通道被车辆堵塞']]) {
    await fixture.pg.query(
      `insert into inbound_message (bot_account, message_id, room_id, sender_id, sender_name, kind, text, status, received_at) values ('demo', $1, $2, $3, '网格员', 'text', $4, 'pending', now())`,
      [id, ROOM, `demo-m${worker.id}`, text],
    );
  }
  const incidentsBefore = Number((await one<{ n: string }>('select count(*) as n from incident')).n);

  await start();
  await until('both stored messages handled', async () => Number((await one<{ n: string }>(`select count(*) as n from inbound_message where status = 'pending'`)).n) === 0);
  expect(Number((await one<{ n: string }>('select count(*) as n from incident')).n)).toBe(incidentsBefore + 1);
  const outcomes = (await fixture.pg.query(`select message_id, status, outcome from inbound_message where message_id like 'crash-%' order by message_id`)).rows;
  expect(outcomes[0]).toMatchObject({ message_id: 'crash-filed', status: 'done', outcome: `report ${filed.code}` });
  expect(outcomes[1]).toMatchObject({ message_id: 'crash-new', status: 'done' });
  expect(outcomes[1].outcome).toMatch(/^report E\d{8}-\d{4}$/);
  // Both replies reach the group, each once.
  await until('replies sent', async () => Number((await one<{ n: string }>(`select count(*) as n from outbox_message where dedupe_key like 'reply:demo:crash-%' and status = 'sent'`)).n) === 2);
});

it('a photo sent before its report survives a restart and the report takes it; a location stored before a crash is acted on at the next start', async () => {
  while (hubs.length) await stop(hubs[0]!);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('photo before a restart')]);
  // The chief: the worker's rows above were stored at the database's own time, not the test clock's.
  const first = await start();
  expect(await say(first, M, 'chief', null, png)).toEqual([]);
  await stop(first);
  clock.advance(30_000);
  const second = await start();
  const reply = await say(second, M, 'chief', '#上报 2栋楼顶防水层破损漏雨');
  expect(reply[0]!.split('\n')[1]).toBe('已附照片 1 张');
  const code = codeIn(reply[0]);
  expect(await one(`select jsonb_array_length(e.photos) as n from incident_event e join incident i on i.id = e.incident_id where i.code = $1 and e.event = 'report'`, [code])).toEqual({ n: 1 });

  // The location message was stored, then the hub stopped before acting on it.
  await stop(second);
  const chief = await one<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'chief' order by m.id limit 1`, [M]);
  await fixture.pg.query(
    `insert into inbound_message (bot_account, message_id, room_id, sender_id, sender_name, kind, text, location, status, received_at) values ('demo', 'crash-location', $1, $2, '网格长', 'location', '', $3, 'pending', $4)`,
    [ROOM, `demo-m${chief.id}`, JSON.stringify({ name: '2栋', address: null, latitude: 30.56, longitude: 104.02 }), clock.now()],
  );
  await start();
  await until('the location acted on', async () => (await one<{ status: string }>(`select status from inbound_message where message_id = 'crash-location'`)).status === 'done');
  expect(await one(`select location, latitude, longitude from incident where code = $1`, [code])).toEqual({ location: '2栋', latitude: 30.56, longitude: 104.02 });
});

it('the outbox survives a restart, never queues a dedupe key twice, and shows delivery over GraphQL', async () => {
  while (hubs.length) await stop(hubs[0]!);
  const grid = await one<{ id: number }>(`select id from grid where code = $1`, [M]);
  const drafts = [
    { gridId: grid.id, text: '请各网格今日 20:00 前完成日清', dedupeKey: 'test:rollcall:1', kind: 'rollcall', priority: 4, ref: 'R-TEST-1' },
    { gridId: grid.id, text: '请各网格今日 20:00 前完成日清', dedupeKey: 'test:rollcall:1', kind: 'rollcall', priority: 4, ref: 'R-TEST-1' },
  ];
  const hub = await start();
  const em = hub.deps.orm.em.fork();
  const repo = new OutboxRepository(em);
  // Stop the worker so the rows wait, as after a crash.
  await hub.bots!.worker('demo')!.stop();
  expect(await repo.enqueueForGrids(drafts, clock.now())).toBe(1);
  expect(await repo.enqueueForGrids(drafts.slice(0, 1), clock.now())).toBe(0);
  await stop(hub);
  expect(await one(`select status from outbox_message where dedupe_key = 'test:rollcall:1'`)).toEqual({ status: 'pending' });

  const again = await start();
  await until('the queued message sent after the restart', async () => (await one<{ status: string }>(`select status from outbox_message where dedupe_key = 'test:rollcall:1'`)).status === 'sent');
  const seen = await gqlOk<Op.OutboxMessagesQuery>(again, ADMIN, OUTBOX_MESSAGES, { ref: 'r-test-1' });
  expect(seen.outboxMessages).toEqual([{ ref: 'R-TEST-1', status: 'sent', grid: M, kind: 'rollcall', attempts: 1, text: '请各网格今日 20:00 前完成日清', createdAt: clock.now().toISOString(), sentAt: expect.any(String) }]);
  // Raw SQL timestamps reach the DateTimeISO scalar as dates, not as PostgreSQL's text.
  expect(Number.isNaN(Date.parse(seen.outboxMessages[0]!.sentAt!))).toBe(false);
});

it('a send that fails is retried with back-off and marked failed after its last attempt', async () => {
  const hub = hubs[0] ?? (await start());
  const worker = hub.bots!.worker('demo')!;
  const repo = new OutboxRepository(hub.deps.orm.em.fork());
  // A group the bot is not (or no longer) in.
  await repo.enqueueForRooms([{ botAccount: 'demo', roomId: 'gone@chatroom', text: '测试', dedupeKey: 'test:gone:1', kind: 'reply', priority: 1 }], clock.now());
  worker.kick();
  // Attempts are counted when a send starts; the outcome is recorded when its lease is cleared.
  const settled = async (n: number) => (await one<{ n: number }>(`select count(*)::int as n from outbox_message where dedupe_key = 'test:gone:1' and attempts = $1 and lease_until is null`, [n])).n === 1;
  await until('first attempt', () => settled(1));
  const row = await one<{ status: string; next_attempt_at: Date; last_error: string }>(`select status, next_attempt_at, last_error from outbox_message where dedupe_key = 'test:gone:1'`);
  expect(row.status).toBe('pending');
  expect(row.last_error).toMatch(/not in room gone@chatroom/);
  // Demo policy: 1 s ±25% before the first retry.
  const wait = row.next_attempt_at.getTime() - clock.now().getTime();
  expect(wait).toBeGreaterThanOrEqual(750);
  expect(wait).toBeLessThanOrEqual(1250);
  // Nothing is retried early.
  worker.kick();
  await new Promise((r) => setTimeout(r, 300));
  expect((await one<{ attempts: number }>(`select attempts from outbox_message where dedupe_key = 'test:gone:1'`)).attempts).toBe(1);
  for (let attempt = 2; attempt <= 8; attempt++) {
    clock.advance(2 * 60_000);
    worker.kick();
    await until(`attempt ${attempt}`, () => settled(attempt));
  }
  expect(await one(`select status, attempts from outbox_message where dedupe_key = 'test:gone:1'`)).toEqual({ status: 'failed', attempts: 8 });
  clock.advance(60 * 60_000);
  worker.kick();
  await new Promise((r) => setTimeout(r, 300));
  expect((await one<{ attempts: number }>(`select attempts from outbox_message where dedupe_key = 'test:gone:1'`)).attempts).toBe(8);
});

const asOperator = { authorization: `Bearer ${ADMIN}` };

it('/readyz shows the bot logged in and /bot/login is for the operator only, token in the header only', async () => {
  const hub = hubs[0] ?? (await start());
  const base = hub.url.replace('/graphql', '');
  const ready = (await (await fetch(`${base}/readyz`)).json()) as { status: string; checks: Record<string, unknown> };
  expect(ready).toMatchObject({ status: 'ready', checks: { 'bot:demo': 'ok' } });
  expect((await fetch(`${base}/bot/login`)).status).toBe(401);
  // A token in the query string lands in logs and browser history: it is not read there.
  expect((await fetch(`${base}/bot/login?token=${ADMIN}`)).status).toBe(401);
  // A commander, even the street's, does not get to log a WeChat account in as the bot.
  const commander = await fixture.token('COMMANDER', 'XHG');
  expect((await fetch(`${base}/bot/login`, { headers: { authorization: `Bearer ${commander}` } })).status).toBe(403);
  const login = (await (await fetch(`${base}/bot/login`, { headers: { accept: 'application/json', ...asOperator } })).json()) as { bots: Array<{ name: string; state: string }> };
  expect(login.bots).toEqual([expect.objectContaining({ name: 'demo', state: 'logged_in', puppet: 'wechaty-puppet-mock' })]);
  const bots = await gqlOk<Op.BotsQuery>(hub, ADMIN, BOTS);
  expect(bots.bots).toEqual([{ name: 'demo', state: 'logged_in' }]);
});

it('when two bot accounts sit in one group, only the account serving it acts', async () => {
  const hub = hubs[0] ?? (await start());
  const inbox = hub.bots!.inbox;
  const worker = await one<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M]);
  const before = Number((await one<{ n: string }>('select count(*) as n from incident')).n);
  const msg = { messageId: 'shared-1', roomId: ROOM, roomTopic: null, senderId: `demo-m${worker.id}`, senderName: '网格员', kind: 'text' as const, text: '#上报 两个账号都在群里' };
  // The manual clock jumped ahead in earlier tests: renew the fleet's leases at its time.
  await hub.bots!.fleet.tick();
  // The group is the demo account's (it saw it first); a second account hears the same message.
  expect(await inbox.receive({ ...msg, botAccount: 'bot2' })).toMatchObject({ action: 'standby', reply: null });
  expect(await inbox.receive({ ...msg, botAccount: 'demo' })).toMatchObject({ action: 'done' });
  expect(Number((await one<{ n: string }>('select count(*) as n from incident')).n)).toBe(before + 1);
  // The second account kept its copy until the first had its chance; it finds the first acted.
  clock.advance(STANDBY.firstLookMs);
  await hub.bots!.fleet.tick();
  await lookAgain(hub, 'bot2', 'shared-1');
  expect((await fixture.pg.query(`select bot_account, status, outcome from inbound_message where message_id = 'shared-1' order by bot_account`)).rows).toEqual([
    { bot_account: 'bot2', status: 'done', outcome: 'heard by demo' },
    { bot_account: 'demo', status: 'done', outcome: expect.stringMatching(/^report E\d{8}-\d{4}$/) },
  ]);
  expect(Number((await one<{ n: string }>('select count(*) as n from incident')).n)).toBe(before + 1);
});

it('a message said while the listening account is dying, its lease still valid, is acted on by another account in the group', async () => {
  const hub = hubs[0] ?? (await start());
  const inbox = hub.bots!.inbox;
  const worker = await one<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M]);
  const incidents = async () => Number((await one<{ n: string }>('select count(*) as n from incident')).n);
  const msg = (id: string, text: string) => ({ messageId: id, roomId: ROOM, roomTopic: null, senderId: `demo-m${worker.id}`, senderName: '网格员', kind: 'text' as const, text, botAccount: 'bot2' });
  const before = await incidents();
  await hub.bots!.fleet.tick();

  // The listener is alive but never got this one: it is waited for, then bot2 acts in its place.
  expect(await inbox.receive(msg('deaf-1', '#上报 6栋门口路灯不亮'))).toMatchObject({ action: 'standby' });
  clock.advance(STANDBY.firstLookMs);
  await hub.bots!.fleet.tick();
  await lookAgain(hub, 'bot2', 'deaf-1');
  expect(await one(`select status from inbound_message where message_id = 'deaf-1'`)).toEqual({ status: 'pending' });
  clock.advance(STANDBY.giveUpMs);
  await hub.bots!.fleet.tick();
  await lookAgain(hub, 'bot2', 'deaf-1');
  expect(await one(`select status, outcome from inbound_message where message_id = 'deaf-1'`)).toEqual({ status: 'done', outcome: expect.stringMatching(/^report E\d{8}-\d{4}$/) });
  expect(await incidents()).toBe(before + 1);
  expect(await one(`select bot_account from chat_group where room_id = $1`, [ROOM])).toEqual({ bot_account: 'demo' });

  // The listener dies with the message unheard: once its lease is over bot2 takes the group over and acts.
  expect(await inbox.receive(msg('dying-1', '#上报 8栋电梯困人'))).toMatchObject({ action: 'standby' });
  await fixture.pg.query(`update bot_account set state = 'offline' where name = 'demo'`);
  clock.advance(STANDBY.firstLookMs);
  await lookAgain(hub, 'bot2', 'dying-1');
  expect(await one(`select status, outcome, attempts from inbound_message where message_id = 'dying-1'`)).toEqual({ status: 'done', outcome: expect.stringMatching(/^report E\d{8}-\d{4}$/), attempts: 1 });
  expect(await incidents()).toBe(before + 2);
  expect(await one(`select bot_account from chat_group where room_id = $1`, [ROOM])).toEqual({ bot_account: 'bot2' });

  // The listener comes back and gets the same message late (a replay): it is not acted on twice.
  await fixture.pg.query(`update bot_account set state = 'online' where name = 'demo'`);
  await fixture.pg.query(`update chat_group set bot_account = 'demo' where room_id = $1`, [ROOM]);
  expect(await inbox.receive({ ...msg('dying-1', '#上报 8栋电梯困人'), botAccount: 'demo' })).toMatchObject({ action: 'duplicate', reply: null });
  expect(await incidents()).toBe(before + 2);

  // A location heard first after the listener went offline: bot2 takes the group over for it too.
  const place = { name: '8栋', address: '幸福路 8 号', latitude: 28.2, longitude: 112.9 };
  await hub.bots!.fleet.tick();
  expect(await inbox.receive({ ...msg('dying-2', ''), kind: 'location', place })).toMatchObject({ action: 'ignored' });
  await fixture.pg.query(`update bot_account set state = 'offline' where name = 'demo'`);
  const located = await inbox.receive({ ...msg('dying-3', ''), kind: 'location', place });
  expect(located).toMatchObject({ action: 'done', command: 'location' });
  expect(await one(`select bot_account from chat_group where room_id = $1`, [ROOM])).toEqual({ bot_account: 'bot2' });

  await fixture.pg.query(`update bot_account set state = 'online' where name = 'demo'`);
  await fixture.pg.query(`update chat_group set bot_account = 'demo' where room_id = $1`, [ROOM]);
  inbox.unserve('bot2');
});

it('a bot waiting for a QR scan shows the code at /bot/login and is not ready until it logs in', async () => {
  const hub = hubs[0] ?? (await start());
  const base = hub.url.replace('/graphql', '');
  const world = hub.bots!.demo!;
  // WeChat logs the account out; wechat4u then shows a new code to scan.
  await world.puppet.logout();
  await until('logged out', async () => hub.bots!.status()[0]!.state === 'logged_out');
  world.mocker.scan('https://login.weixin.qq.com/l/gridhub-test', 2);
  await until('scan state', async () => hub.bots!.status()[0]!.state === 'scan');
  const ready = await fetch(`${base}/readyz`);
  expect(ready.status).toBe(503);
  expect(((await ready.json()) as { checks: Record<string, unknown> }).checks['bot:demo']).toBe('scan');
  const page = await (await fetch(`${base}/bot/login`, { headers: asOperator })).text();
  expect(page).toContain('<img alt="QR" src="data:image/png;base64,');
  // Scanned: the account logs in again and the page no longer shows a code.
  world.mocker.login(world.mocker.ContactMock.load('demo-bot'));
  await until('logged in again', async () => hub.bots!.status()[0]!.state === 'logged_in');
  expect((await fetch(`${base}/readyz`)).status).toBe(200);
  expect(await (await fetch(`${base}/bot/login`, { headers: asOperator })).text()).not.toContain('<img');
});

it('a send the puppet never confirms times out and is retried later instead of stalling the outbox', async () => {
  const hub = hubs[0] ?? (await start());
  const hanging = new OutboxWorker(hub.deps, 'hung-account', () => new Promise<void>(() => {}), DEMO_POLICY, 200);
  await new OutboxRepository(hub.deps.orm.em.fork()).enqueueForRooms([{ botAccount: 'hung-account', roomId: ROOM, text: '测试', dedupeKey: 'test:hung:1', kind: 'reply', priority: 1 }], clock.now());
  const t = Date.now();
  expect(await hanging.drain()).toBe(1);
  expect(Date.now() - t).toBeLessThan(5_000);
  const row = await one<{ status: string; attempts: number; last_error: string }>(`select status, attempts, last_error from outbox_message where dedupe_key = 'test:hung:1'`);
  expect(row).toMatchObject({ status: 'pending', attempts: 1 });
  expect(row.last_error).toMatch(/did not confirm the send within 200 ms/);
});

it('a send in flight holds no transaction nor pool connection, and no second worker takes its message', async () => {
  const hub = hubs[0] ?? (await start());
  let release: () => void = () => undefined;
  let sending = 0;
  const slow = new OutboxWorker(hub.deps, 'slow-account', () => (sending++, new Promise<void>((r) => (release = r))), DEMO_POLICY);
  const other = new OutboxWorker(hub.deps, 'slow-account', async () => undefined, DEMO_POLICY);
  await new OutboxRepository(hub.deps.orm.em.fork()).enqueueForRooms([{ botAccount: 'slow-account', roomId: ROOM, text: '慢发', dedupeKey: 'test:slow:1', kind: 'reply', priority: 1 }], clock.now());
  const drained = slow.drain();
  await until('the puppet called', async () => sending === 1);
  const open = await one<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`);
  expect(open).toEqual({ n: 0 });
  expect(await other.drain()).toBe(0);
  release();
  expect(await drained).toBe(1);
  expect(await one(`select status, attempts from outbox_message where dedupe_key = 'test:slow:1'`)).toEqual({ status: 'sent', attempts: 1 });
});

it('starting on a real puppet retires the demo world: mock groups, contacts and undelivered messages', async () => {
  while (hubs.length) await stop(hubs[0]!);
  const before = await one<{ groups: number; contacts: number }>(`select (select count(*)::int from chat_group where bot_account = 'demo') as groups, (select count(*)::int from member_contact where contact_id like 'demo-m%') as contacts`);
  expect(before.groups).toBeGreaterThanOrEqual(632);
  expect(before.contacts).toBeGreaterThanOrEqual(1362);
  // Earlier tests may have left the demo account's messages pending (a retry not yet due): count them.
  const pendingBefore = (await one<{ n: number }>(`select count(*)::int as n from outbox_message where (room_id like 'demo-%' or via_account = 'demo') and status = 'pending'`)).n;
  await fixture.pg.query(`insert into outbox_message (via_account, room_id, text, dedupe_key, kind, status, attempts, next_attempt_at, created_at) values ('demo', $1, '待发', 'test:demo-left', 'reply', 'pending', 0, now(), now())`, [ROOM]);
  // A group bound by a real account stays bound.
  await fixture.pg.query(`insert into chat_group (room_id, topic, bot_account, created_at) values ('real-1@chatroom', '真实群', 'bot1', now())`);
  // The same call the runtime makes before logging real accounts in (no WeChat to log in to here).
  const hub = await fixture.start({ bots: false });
  const retired = await createScope(hub.deps, OPERATOR).bindings.retireDemo('demo');
  expect(retired).toEqual({ groups: before.groups, contacts: before.contacts, messages: pendingBefore + 1 });
  expect(await one(`select count(*)::int as n from outbox_message where (room_id like 'demo-%' or via_account = 'demo') and status = 'pending'`)).toEqual({ n: 0 });
  expect(await one(`select count(*)::int as n from chat_group`)).toEqual({ n: 1 });
  expect(await one(`select status, last_error from outbox_message where dedupe_key = 'test:demo-left'`)).toEqual({ status: 'failed', last_error: 'demo mode ended: the mock group is gone' });
  await stop(hub);
});
