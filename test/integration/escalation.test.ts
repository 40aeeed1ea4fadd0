import type { Hub } from '../../src/main';
import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { postgresLock, redisLock } from '../../src/infra/lock';
import { connectRedis } from '../../src/infra/redis';
import { createLogger } from '../../src/infra/logger';
import { overdueEscalationJob } from '../../src/jobs/overdue-escalation.job';
import { createScope } from '../../src/scope';
import { ADMIN, gqlOk, redisPrefix, startTestHub, testDatabase, testRedisUrl } from '../setup/hub';

let a: Hub;
let b: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
const clock = new ManualClock(new Date('2026-11-22T01:00:00Z'));
const statements: string[] = [];

beforeAll(async () => {
  db = await testDatabase('demo');
  a = await startTestHub({ databaseUrl: db.url, clock, onQuery: (sql) => statements.push(sql) });
  b = await startTestHub({ databaseUrl: db.url, clock });
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

const REPORT = 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { code } }';
const TIMELINE = 'query($c: String!) { incident(code: $c) { timeline { event note } } }';

it('escalates an overdue incident one level up, once per lapse, even with two instances', async () => {
  const { reportIncident } = await gqlOk<{ reportIncident: { code: string } }>(a, ADMIN, REPORT, { i: { grid: 'XHG-B03-C07-M12', description: '路面塌陷', urgent: true } });
  const run = (hub: Hub) => overdueEscalationJob.run(createScope(hub.deps, OPERATOR), clock.now());
  expect(await run(a)).toEqual([]); // not yet due (urgent: 2 h)
  clock.advance(2 * 3600_000 + 60_000);
  const [ra, rb] = await Promise.all([run(a), run(b)]);
  const all = [...ra, ...rb];
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ code: reportIncident.code, target: 'XHG-B03-C07' });
  expect(all[0]!.notified.some((n) => n.startsWith('chief:'))).toBe(true);
  expect(await run(a)).toEqual([]); // the same lapse is never escalated again
  const t = await gqlOk<{ incident: { timeline: Array<{ event: string; note: string }> } }>(a, ADMIN, TIMELINE, { c: reportIncident.code });
  expect(t.incident.timeline.filter((e) => e.event === 'overdue')).toEqual([{ event: 'overdue', note: '逾期上报至 XHG-B03-C07' }]);

  // A new lapse (re-dispatched with a new deadline that passes) goes up to the street.
  await gqlOk(a, ADMIN, 'mutation($c: String!) { acceptIncident(code: $c, note: null) { code } }', { c: reportIncident.code });
  await gqlOk(a, ADMIN, 'mutation($c: String!) { dispatchIncident(code: $c, department: "城管", deadline: null) { code } }', { c: reportIncident.code });
  clock.advance(3 * 3600_000);
  const second = await run(b);
  expect(second).toMatchObject([{ code: reportIncident.code, target: 'XHG' }]);
});

it('escalates many lapsed incidents in a few statements, each once, with two instances at it', async () => {
  const grids = ['XHG-B01-C01-M01', 'XHG-B02-C02-M03', 'XHG-B04-C08-M02', 'XHG-B06-C10-M01'];
  const codes = await Promise.all(
    Array.from({ length: 120 }, (_, i) => gqlOk<{ reportIncident: { code: string } }>(a, ADMIN, REPORT, { i: { grid: grids[i % grids.length], description: `井盖缺失 ${i}`, urgent: true } }).then((d) => d.reportIncident.code)),
  );
  clock.advance(2 * 3600_000 + 60_000);
  const run = (hub: Hub) => overdueEscalationJob.run(createScope(hub.deps, OPERATOR), clock.now());
  statements.length = 0;
  const [ra, rb] = await Promise.all([run(a), run(b)]);
  const escalated = [...ra, ...rb].map((r) => r.code).filter((c) => codes.includes(c)).sort();
  expect(escalated).toEqual([...codes].sort());
  expect(new Set([...ra, ...rb].filter((r) => codes.includes(r.code)).map((r) => r.target))).toEqual(new Set(['XHG-B01-C01', 'XHG-B02-C02', 'XHG-B04-C08', 'XHG-B06-C10']));
  // Hub a's share: at most four statements however many incidents it handled (due, grids, people, insert).
  expect(statements.length).toBeGreaterThanOrEqual(1);
  expect(statements.length).toBeLessThanOrEqual(4);
  expect(await run(a)).toEqual([]);
  const timelines = await Promise.all(codes.slice(0, 5).map((c) => gqlOk<{ incident: { timeline: Array<{ event: string }> } }>(a, ADMIN, TIMELINE, { c })));
  expect(timelines.map((t) => t.incident.timeline.filter((e) => e.event === 'overdue').length)).toEqual([1, 1, 1, 1, 1]);
});

it('lets one holder at a time run a job, through Redis or PostgreSQL', async () => {
  const redis = await connectRedis(await testRedisUrl(), createLogger('silent'));
  try {
    const l1 = redisLock(redis, redisPrefix());
    let nested: boolean | null = null;
    await l1.run('k', 10_000, async () => {
      nested = await l1.run('k', 10_000, async () => undefined);
    });
    expect(nested).toBe(false);
    const p1 = postgresLock(a.deps.orm);
    const p2 = postgresLock(b.deps.orm);
    let pgNested: boolean | null = null;
    await p1.run('k', 10_000, async () => {
      pgNested = await p2.run('k', 10_000, async () => undefined);
    });
    expect(pgNested).toBe(false);
    expect(await p2.run('k', 10_000, async () => undefined)).toBe(true);
  } finally {
    await redis.close();
  }
});
