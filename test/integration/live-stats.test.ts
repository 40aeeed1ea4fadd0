import type * as Op from '../generated/operations';
import { REPORT_INCIDENT, STATS_CHANGED } from '../operations';
import { ADMIN, collect, gqlOk, settle, useHub } from '../setup/hub';

const statements: string[] = [];
const t = useHub({ onQuery: (sql) => statements.push(sql) });
const report = (grid: string, description: string) => gqlOk(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid, description } });
/** The stats query (StatsRepository.figures) is the only one reading `incident_rollup`. */
const statsQueries = () => statements.filter((s) => s.includes('from incident_rollup r')).length;
const token = (role: Op.Role, grid: string) => t.token(role, grid);

it('computes statsChanged once per scope and push, however many sockets watch that scope', async () => {
  const watchers = [ADMIN, await token('VIEWER', 'XHG-B08'), await token('CHIEF', 'XHG-B08'), ADMIN, await token('VIEWER', 'XHG')];
  const feeds = watchers.map((w) => collect<Op.StatsChangedSubscription>(t.ws(w), STATS_CHANGED, { scope: 'XHG-B08' }));
  // Another scope has a computation of its own.
  const community = collect<Op.StatsChangedSubscription>(t.ws(ADMIN), STATS_CHANGED, { scope: 'XHG-B08-C13' });
  await settle(300);

  statements.length = 0;
  await report('XHG-B08-C13-M01', '路灯不亮了');
  await Promise.all([...feeds, community].map((f) => f.until(1)));
  await settle(200);
  expect(feeds.map((f) => f.events)).toEqual(watchers.map(() => [{ statsChanged: { reported: 1, closed: 0 } }]));
  expect(community.events).toEqual([{ statsChanged: { reported: 1, closed: 0 } }]);
  expect(statsQueries()).toBe(2); // one for XHG-B08, one for XHG-B08-C13, not six

  // A burst: at most one trailing push a second, still one query per scope and push.
  statements.length = 0;
  await Promise.all(Array.from({ length: 30 }, (_, i) => report('XHG-B08-C13-M02', `共享单车乱停 ${i}`)));
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
  await report('XHG-B08-C13-M03', '路灯不亮了');
  await community.until(before + 1);
  await settle(200);
  expect(statsQueries()).toBe(1);
});

it('refuses a scope outside the watcher’s subtree with NOT_FOUND', async () => {
  const feed = collect(t.ws(await token('VIEWER', 'XHG-B08')), STATS_CHANGED, { scope: 'XHG-B01' });
  await feed.until(1);
  expect(JSON.stringify(feed.errors)).toContain('NOT_FOUND');
});
