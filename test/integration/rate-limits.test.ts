import WebSocket from 'ws';
import type * as Op from '../generated/operations';
import { REPORT_INCIDENT, VIEWER } from '../operations';
import { say } from '../setup/bot';
import { jpegOf, postPhoto } from '../factories/photos';
import { gql, type Hub, useHub } from '../setup/hub';

const M1 = 'XHG-B01-C01-M01';
const M2 = 'XHG-B01-C01-M02';
const BAD = `gh_1_${'A'.repeat(43)}`;

/** The close code of a graphql-ws socket that presents `token`. */
async function socketClose(hub: Hub, token: string): Promise<number> {
  const socket = new WebSocket(hub.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  return closed;
}

describe('failed token attempts per address, counted in Redis across instances', () => {
  const t = useHub({ redis: true, instances: 2, env: { RATE_LIMIT_FAILED_AUTH: '3/10m' } });

  it('after three failures on either instance an address is refused with 429, RATE_LIMITED and the retry time, good token or not', async () => {
    const [a, b] = t.hubs as [Hub, Hub];
    const good = await t.token('WORKER', M1);
    expect((await gql(a, good, VIEWER)).status).toBe(200);
    // A request with no token at all is no guess: it does not count.
    for (let i = 0; i < 5; i++) expect((await gql(a, null, VIEWER)).status).toBe(401);
    expect((await gql(a, BAD, VIEWER)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gql(b, BAD, VIEWER)).status).toBe(401);
    expect(await socketClose(a, BAD)).toBe(4401);

    for (const hub of [a, b]) {
      const res = await fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${good}` }, body: JSON.stringify({ query: VIEWER }) });
      expect(res.status).toBe(429);
      const retry = Number(res.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(500);
      expect(retry).toBeLessThanOrEqual(600);
      const body = (await res.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retry });
    }
    const photo = await postPhoto(b, good, jpegOf('x'));
    expect(photo.status).toBe(429);
    expect(photo.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await socketClose(b, good)).toBe(4429);
  });
});

describe('reports and uploads per token (in process without Redis)', () => {
  const t = useHub({ env: { RATE_LIMIT_REPORTS: '2/1h', RATE_LIMIT_UPLOADS: '2/10m' } });

  it('a token past its reports refuses with 429 RATE_LIMITED and retryAfterSeconds; another token is not held up', async () => {
    const tk = await t.token('WORKER', M1);
    const reportAs = (token: string) => gql<Op.ReportIncidentMutation>(t.hub, token, REPORT_INCIDENT, { input: { grid: M1, description: '楼道堆放杂物' } });
    for (let i = 0; i < 2; i++) expect((await reportAs(tk)).errors).toBeUndefined();
    const res = await fetch(t.hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tk}` }, body: JSON.stringify({ query: REPORT_INCIDENT, variables: { input: { grid: M1, description: '楼道堆放杂物' } } }) });
    expect(res.status).toBe(429);
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string; retryAfterSeconds: number } }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED', limit: 'report' });
    expect(body.errors[0]!.extensions.retryAfterSeconds).toBeGreaterThan(3500);
    expect(Number(res.headers.get('retry-after'))).toBe(body.errors[0]!.extensions.retryAfterSeconds);
    const { rows } = await t.pg.query(`select count(*)::int as n from incident where description = '楼道堆放杂物'`);
    expect(rows[0]).toEqual({ n: 2 });
    expect((await reportAs(await t.token('WORKER', M1))).errors).toBeUndefined();
  });

  it('a token past its uploads gets 429 with Retry-After', async () => {
    const tk = await t.token('WORKER', M1);
    for (let i = 0; i < 2; i++) expect((await postPhoto(t.hub, tk, jpegOf(`rate ${i}`))).status).toBe(201);
    const third = await postPhoto(t.hub, tk, jpegOf('rate 3'));
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await third.json()).toEqual({ error: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }) });
    expect((await postPhoto(t.hub, await t.token('WORKER', M1), jpegOf('rate other'))).status).toBe(201);
  });
});

describe('in chat: one short line per window, then silence', () => {
  const t = useHub({ bots: true, env: { RATE_LIMIT_BOT_COMMANDS: '4/1m', RATE_LIMIT_REPORTS: '2/1h' } });

  it('a contact past its commands is told once, then left unanswered; others are answered', async () => {
    for (let i = 0; i < 4; i++) expect((await say(t.hub, M1, 'worker', '#帮助'))[0]).toBeTruthy();
    expect(await say(t.hub, M1, 'worker', '#帮助')).toEqual([expect.stringMatching(/^发送太频繁，请 (\d+ 秒|1 分钟)后再试$/)]);
    expect(await say(t.hub, M1, 'worker', '#帮助')).toEqual([]);
    expect(await say(t.hub, M1, 'worker', '#上报 路灯不亮')).toEqual([]);
    expect((await say(t.hub, M1, 'resident', '#帮助'))[0]).toBeTruthy();
  });

  it('a member past their reports is told once in the group, and the report is not filed', async () => {
    for (let i = 0; i < 2; i++) expect((await say(t.hub, M2, 'chief', `#上报 垃圾桶满溢 ${i}`))[0]).toMatch(/^已登记 E/);
    expect(await say(t.hub, M2, 'chief', '#上报 垃圾桶满溢 2')).toEqual(['上报太频繁，请 1 小时后再试']);
    expect(await say(t.hub, M2, 'chief', '#上报 垃圾桶满溢 3')).toEqual([]);
    const { rows } = await t.pg.query(`select count(*)::int as n from incident where description like '垃圾桶满溢%'`);
    expect(rows[0]).toEqual({ n: 2 });
  });
});
