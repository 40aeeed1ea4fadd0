import type * as Op from '../generated/operations';
import { DISPATCH_INCIDENT, INCIDENT, REPORT_INCIDENT } from '../operations';
import { departmentToken } from '../factories/departments';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const t = useHub();

const base = () => t.hub.url.replace('/graphql', '');
const upload = (body: Uint8Array, token: string | null = ADMIN) =>
  fetch(`${base()}/photos`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 1, 2, 3, 4]);

it('stores a photo under a content key, serves it back, and an incident step can carry it', async () => {
  const res = await upload(JPEG);
  expect(res.status).toBe(201);
  const { key, type, size } = (await res.json()) as { key: string; type: string; size: number };
  expect(key).toMatch(/^photos\/[0-9a-f]{64}\.jpg$/);
  expect({ type, size }).toEqual({ type: 'image/jpeg', size: JPEG.length });
  const back = await fetch(`${base()}/${key}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(back.headers.get('content-type')).toMatch(/image\/jpeg/);
  expect(new Uint8Array(await back.arrayBuffer())).toEqual(JPEG);
  const r = await gqlOk<Op.ReportIncidentMutation>(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: '路面破损', photos: [key] } });
  const got = await gqlOk<Op.IncidentQuery>(t.hub, ADMIN, INCIDENT, { code: r.reportIncident.code });
  expect(got.incident.timeline[0]!.photos).toEqual([key]);
});

it('the same photo uploaded twice at once is stored once and both uploads succeed', async () => {
  const same = new Uint8Array([...JPEG, 9, 9]);
  const both = await Promise.all([upload(same), upload(same), upload(same)]);
  expect(both.map((r) => r.status)).toEqual([201, 201, 201]);
  const keys = await Promise.all(both.map(async (r) => ((await r.json()) as { key: string }).key));
  expect(new Set(keys).size).toBe(1);
  const back = await fetch(`${base()}/${keys[0]}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(new Uint8Array(await back.arrayBuffer())).toEqual(same);
});

it('refuses photos that are not images, too large, or sent without a token', async () => {
  const text = await upload(new TextEncoder().encode('not a photo at all'));
  expect(text.status).toBe(400);
  expect(await text.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
  const big = new Uint8Array(10 * 1024 * 1024 + 10);
  big.set(JPEG);
  expect((await upload(big)).status).toBe(413);
  expect((await upload(JPEG, null)).status).toBe(401);
  // Without a token the body is never read: 401, not 413.
  expect((await upload(big, null)).status).toBe(401);
  const bogus = await gql(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: '路面破损', photos: ['../../etc/passwd'] } });
  expect(bogus.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect((await fetch(`${base()}/photos/${'0'.repeat(64)}.jpg`, { headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
});

it('viewers only watch and departments only work what is dispatched: neither reports, viewers upload no photos, a department only while work dispatched to it is open, a worker does both', async () => {
  const viewer = await t.token('VIEWER', 'XHG-B01-C01');
  const res = await upload(JPEG, viewer);
  expect({ status: res.status, body: await res.json() }).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'FORBIDDEN' }) } });
  // A department uploads the after-photo of its work, and only then: with nothing dispatched to it, or as a token of no department, it is refused.
  const cityManagement = await departmentToken(t.hub, t.databaseUrl, 'XHG-B01-C01', '城管');
  expect((await upload(JPEG, cityManagement)).status).toBe(403);
  expect((await upload(JPEG, await t.token('DEPARTMENT', 'XHG-B01-C01'))).status).toBe(403);
  for (const role of ['VIEWER', 'DEPARTMENT'] as const) {
    const tk = await t.token(role, 'XHG-B01-C01');
    const r = await gql(t.hub, tk, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: '路面破损' } });
    expect({ role, code: r.errors?.[0]?.extensions?.code }).toEqual({ role, code: 'FORBIDDEN' });
  }
  const worker = await t.token('WORKER', 'XHG-B01-C01-M01');
  expect((await upload(JPEG, worker)).status).toBe(201);
  const reported = await gqlOk<Op.ReportIncidentMutation>(t.hub, worker, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: '路面破损' } });
  expect(reported.reportIncident.status).toBe('REPORTED');
  await gqlOk(t.hub, await t.token('COMMANDER', 'XHG'), DISPATCH_INCIDENT, { code: reported.reportIncident.code, department: '城管', deadline: null });
  expect((await upload(JPEG, cityManagement)).status).toBe(201);
  // Another department of the same community still has nothing dispatched to it.
  expect((await upload(JPEG, await departmentToken(t.hub, t.databaseUrl, 'XHG-B01-C01', '民政'))).status).toBe(403);
});
