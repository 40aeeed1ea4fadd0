import type { Hub } from '../../src/main';
import { ADMIN, collect, gqlOk, settle, startTestHub, testDatabase, wsClient, tokenFor } from '../setup/hub';

let hub: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
const statements: string[] = [];
const clients: Array<{ dispose(): void | Promise<void> }> = [];

beforeAll(async () => {
  db = await testDatabase('demo');
  hub = await startTestHub({ databaseUrl: db.url, onQuery: (sql) => statements.push(sql) });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await hub?.stop();
  await db?.drop();
});

const REPORT = 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { code } }';
const STATS = 'subscription($s: String) { statsChanged(scope: $s) { reported closed } }';
/** The stats query (IncidentRepository.stats) is the only one computing `handled_on_site`. */
const statsQueries = () => statements.filter((s) => s.includes('as handled_on_site')).length;
const token = (role: string, grid: string) => tokenFor(hub, role, grid);

it('computes statsChanged once per scope and push, however many sockets watch that scope', async () => {
  const watchers = [ADMIN, await token('VIEWER', 'XHG-B08'), await token('CHIEF', 'XHG-B08'), ADMIN, await token('VIEWER', 'XHG')];
  const feeds = watchers.map((t) => {
    const client = wsClient(hub, t);
    clients.push(client);
    return collect<{ statsChanged: { reported: number; closed: number } }>(client, STATS, { s: 'XHG-B08' });
  });
  // Another scope has a computation of its own.
  const other = wsClient(hub, ADMIN);
  clients.push(other);
  const community = collect<{ statsChanged: { reported: number } }>(other, STATS, { s: 'XHG-B08-C13' });
  await settle(300);

  statements.length = 0;
  await gqlOk(hub, ADMIN, REPORT, { i: { grid: 'XHG-B08-C13-M01', description: '路灯不亮了' } });
  await Promise.all([...feeds, community].map((f) => f.until(1)));
  await settle(200);
  expect(feeds.map((f) => f.events)).toEqual(watchers.map(() => [{ statsChanged: { reported: 1, closed: 0 } }]));
  expect(community.events).toEqual([{ statsChanged: { reported: 1, closed: 0 } }]);
  expect(statsQueries()).toBe(2); // one for XHG-B08, one for XHG-B08-C13, not six

  // A burst: at most one trailing push a second, still one query per scope and push.
  statements.length = 0;
  await Promise.all(Array.from({ length: 30 }, (_, i) => gqlOk(hub, ADMIN, REPORT, { i: { grid: 'XHG-B08-C13-M02', description: `共享单车乱停 ${i}` } })));
  await Promise.all(feeds.map((f) => f.until(2)));
  await settle(2500);
  const pushes = feeds[0]!.events.length - 1;
  expect(feeds.map((f) => f.events.length - 1)).toEqual(watchers.map(() => pushes));
  expect(feeds.map((f) => f.events.at(-1))).toEqual(watchers.map(() => ({ statsChanged: { reported: 31, closed: 0 } })));
  expect(statsQueries()).toBe(pushes + (community.events.length - 1));

  // Once every watcher of a scope has left, its computation stops.
  for (const f of feeds) f.unsubscribe();
  await settle(200);
  statements.length = 0;
  const before = community.events.length;
  await gqlOk(hub, ADMIN, REPORT, { i: { grid: 'XHG-B08-C13-M03', description: '路灯不亮了' } });
  await community.until(before + 1);
  await settle(200);
  expect(statsQueries()).toBe(1);
});

it('refuses a scope outside the watcher’s subtree with NOT_FOUND', async () => {
  const client = wsClient(hub, await token('VIEWER', 'XHG-B08'));
  clients.push(client);
  const feed = collect(client, STATS, { s: 'XHG-B01' });
  await feed.until(1);
  expect(JSON.stringify(feed.errors)).toContain('NOT_FOUND');
});
