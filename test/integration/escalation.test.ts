import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { postgresLock, redisLock } from '../../src/infra/lock';
import { connectRedis } from '../../src/infra/redis';
import { createLogger } from '../../src/infra/logger';
import { overdueEscalationJob } from '../../src/jobs/overdue-escalation.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { ACCEPT_INCIDENT, DISPATCH_INCIDENT, INCIDENT, REPORT_INCIDENT } from '../operations';
import { ADMIN, gqlOk, redisPrefix, testRedisUrl, useHub, type Hub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-22T01:00:00Z'));
/** The statements of the first instance only. */
const statements: string[] = [];
const t = useHub({ clock, instances: 2, onQuery: (sql) => statements.push(sql) });
const overdueOf = async (hub: Hub, code: string) =>
  (await gqlOk<Op.IncidentQuery>(hub, ADMIN, INCIDENT, { code })).incident.timeline.filter((e) => e.event === 'overdue').map(({ event, note }) => ({ event, note }));

it('escalates an overdue incident one level up, once per lapse, even with two instances', async () => {
  const [a, b] = t.hubs as [Hub, Hub];
  const { reportIncident } = await gqlOk<Op.ReportIncidentMutation>(a, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B03-C07-M12', description: '路面塌陷', urgent: true } });
  const run = (hub: Hub) => overdueEscalationJob.run(createScope(hub.deps, OPERATOR), clock.now());
  expect(await run(a)).toEqual([]); // not yet due (urgent: 2 h)
  clock.advance(2 * 3600_000 + 60_000);
  const [ra, rb] = await Promise.all([run(a), run(b)]);
  const all = [...ra, ...rb];
  expect(all).toHaveLength(1);
  expect(all[0]).toMatchObject({ code: reportIncident.code, target: 'XHG-B03-C07' });
  expect(all[0]!.notified.some((n) => n.startsWith('chief:'))).toBe(true);
  expect(await run(a)).toEqual([]); // the same lapse is never escalated again
  expect(await overdueOf(a, reportIncident.code)).toEqual([{ event: 'overdue', note: '逾期上报至 XHG-B03-C07' }]);

  // A new lapse (re-dispatched with a new deadline that passes) goes up to the street.
  await gqlOk(a, ADMIN, ACCEPT_INCIDENT, { code: reportIncident.code, note: null });
  await gqlOk(a, ADMIN, DISPATCH_INCIDENT, { code: reportIncident.code, department: '城管', deadline: null });
  clock.advance(3 * 3600_000);
  const second = await run(b);
  expect(second).toMatchObject([{ code: reportIncident.code, target: 'XHG' }]);
});

it('escalates many lapsed incidents in a few statements, each once, with two instances at it', async () => {
  const [a, b] = t.hubs as [Hub, Hub];
  const grids = ['XHG-B01-C01-M01', 'XHG-B02-C02-M03', 'XHG-B04-C08-M02', 'XHG-B06-C10-M01'];
  const codes = await Promise.all(
    Array.from({ length: 120 }, (_, i) => gqlOk<Op.ReportIncidentMutation>(a, ADMIN, REPORT_INCIDENT, { input: { grid: grids[i % grids.length]!, description: `井盖缺失 ${i}`, urgent: true } }).then((d) => d.reportIncident.code)),
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
  const overdue = await Promise.all(codes.slice(0, 5).map((c) => overdueOf(a, c)));
  expect(overdue.map((events) => events.length)).toEqual([1, 1, 1, 1, 1]);
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
    const p1 = postgresLock(t.hubs[0]!.deps.orm);
    const p2 = postgresLock(t.hubs[1]!.deps.orm);
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

it('escalates a newer lapse behind more than a batch of lapses that cannot go higher', async () => {
  const [a] = t.hubs as [Hub];
  const report = async (grid: string) => (await gqlOk<Op.ReportIncidentMutation>(a, ADMIN, REPORT_INCIDENT, { input: { grid, description: '积水', urgent: true } })).reportIncident.code;
  // Street-level matters escalate nowhere; they lapse first, and more of them than one batch.
  for (let i = 0; i < 4; i++) await report('XHG');
  clock.advance(60_000);
  const below = await report('XHG-B02-C02-M03');
  clock.advance(2 * 3600_000 + 60_000);
  const escalated = await createScope(a.deps, OPERATOR).escalations.escalateOverdue(clock.now(), 3);
  expect(escalated).toMatchObject([{ code: below, target: 'XHG-B02-C02' }]);
  expect(await createScope(a.deps, OPERATOR).escalations.escalateOverdue(clock.now(), 3)).toEqual([]);
});
