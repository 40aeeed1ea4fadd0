jest.setTimeout(120_000);

import Redis from 'ioredis';
import { freePort } from '../../src/infra/embedded-postgres';
import type * as Op from '../generated/operations';
import { INCIDENT_CHANGED, REPORT_INCIDENT } from '../operations';
import { ADMIN, collect, gqlOk, until, useHub, type Hub } from '../setup/hub';
import { OwnRedis } from '../setup/own-services';

// Two hubs on a Redis of this file's own, stopped and started here (never the machine's one).
const t = useHub({ instances: 0 });
const PREFIX = 'redis-away:';
let redis: OwnRedis;
let a: Hub;
let b: Hub;

const redisReady = async (hub: Hub) => {
  const res = await fetch(hub.url.replace('/graphql', '/readyz'));
  return ((await res.json()) as { checks: { redis?: boolean } }).checks.redis === true;
};

beforeAll(async () => {
  redis = new OwnRedis(await freePort());
  await redis.start();
  const env = { REDIS_URL: redis.url, REDIS_PREFIX: PREFIX };
  a = await t.start({ env });
  b = await t.start({ env });
});
afterAll(async () => {
  await redis.stop();
});

it('a subscription first made on a hub while Redis is down receives events from another hub once Redis is back', async () => {
  await redis.stop();
  await until('hub a seeing Redis gone', async () => !(await redisReady(a)));
  const feed = collect<Op.IncidentChangedSubscription>(t.ws(ADMIN, a), INCIDENT_CHANGED, { scope: 'XHG-B01' });
  // Long enough for the subscriber's queued SUBSCRIBE to be refused (ioredis gives up a command after 3 reconnect attempts).
  await new Promise((r) => setTimeout(r, 4000));

  await redis.start();
  await until('both hubs on Redis again', async () => (await redisReady(a)) && (await redisReady(b)));
  // Where the channel is subscribed again (or, before the fix, never): give it a moment rather than a sleep.
  const probe = new Redis(redis.url);
  try {
    await until('hub a subscribed to incidentChanged again', async () => {
      const [, n] = (await probe.pubsub('NUMSUB', `${PREFIX}incidentChanged`)) as [string, number];
      return Number(n) > 0;
    }, 10_000).catch(() => undefined);
  } finally {
    probe.disconnect();
  }

  const reported = await gqlOk<Op.ReportIncidentMutation>(b, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: 'Redis 恢复后井盖缺失' } });
  await feed.until(1, 10_000);
  expect(feed.errors).toEqual([]);
  expect(feed.events[0]?.incidentChanged).toMatchObject({ code: reported.reportIncident.code });
});
