import type { Hub } from '../../src/app';
import { ManualClock } from '../../src/infra/clock';
import { ADMIN, collect, gql, gqlOk, settle, startTestHub, testDatabase, wsClient } from '../setup/hub';

let hub: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const clients: Array<{ dispose(): void | Promise<void> }> = [];

const token = async (role: string, grid: string) =>
  (await gqlOk<{ issueToken: { token: string } }>(hub, ADMIN, 'mutation($i: IssueTokenInput!) { issueToken(input: $i) { token } }', { i: { role, grid } })).issueToken.token;

const REPORT = 'mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { code status category urgent deadlineAt createdAt grid { code } disputeColor } }';
type Reported = { reportIncident: { code: string; status: string; category: string; urgent: boolean; deadlineAt: string; createdAt: string; grid: { code: string }; disputeColor: string | null } };

beforeAll(async () => {
  db = await testDatabase('demo');
  hub = await startTestHub({ databaseUrl: db.url, clock });
});

afterAll(async () => {
  for (const c of clients) await c.dispose();
  await hub?.stop();
  await db?.drop();
});

it('runs the closed loop over GraphQL while a community dashboard watches live', async () => {
  const dash = wsClient(hub, await token('VIEWER', 'XHG-B03-C07'));
  clients.push(dash);
  const feed = collect<{ incidentChanged: { code: string; event: string; status: string } }>(dash, 'subscription { incidentChanged { code event status } }');
  const sibling = collect<{ incidentChanged: { code: string } }>(dash, 'subscription { incidentChanged(scope: "XHG-B03-C07-M01") { code } }');
  await settle(300);

  const worker = await token('WORKER', 'XHG-B03-C07-M12');
  const centre = await token('COMMANDER', 'XHG');
  const dept = await token('DEPARTMENT', 'XHG-B03-C07');
  const r = await gqlOk<Reported>(hub, worker, REPORT, { i: { grid: 'XHG-B03-C07-M12', description: '3栋下水道篦子破损，有行人绊倒风险', location: '3栋东侧' } });
  // 10:00 in Shanghai on 2026-11-22; a safety hazard gets 24 hours.
  expect(r.reportIncident).toMatchObject({ code: 'E20261122-0001', status: 'REPORTED', category: 'SAFETY_HAZARD', grid: { code: 'XHG-B03-C07-M12' } });
  expect(new Date(r.reportIncident.deadlineAt).getTime() - new Date(r.reportIncident.createdAt).getTime()).toBe(24 * 3600_000);
  const code = 'e20261122-1';

  const steps: Array<[string, string, Record<string, unknown>, string]> = [
    [worker, 'mutation($c: String!) { escalateIncident(code: $c, note: "需要市政更换") { status } }', {}, 'ESCALATED'],
    [centre, 'mutation($c: String!) { acceptIncident(code: $c, note: null) { status } }', {}, 'ACCEPTED'],
    [centre, 'mutation($c: String!) { dispatchIncident(code: $c, department: "城管", deadline: null) { status } }', {}, 'DISPATCHED'],
    [dept, 'mutation($c: String!) { startIncident(code: $c) { status } }', {}, 'IN_PROGRESS'],
    [dept, 'mutation($c: String!) { resolveIncident(code: $c, note: "已更换篦子", photos: ["after/1.jpg"]) { status } }', {}, 'RESOLVED'],
    [worker, 'mutation($c: String!) { verifyIncident(code: $c, photos: ["revisit/1.jpg"], note: null) { status } }', {}, 'VERIFIED'],
    [worker, 'mutation($c: String!) { rateIncident(code: $c, satisfied: false, note: "还有松动") { status } }', {}, 'DISPATCHED'],
    [dept, 'mutation($c: String!) { resolveIncident(code: $c, note: "已加固", photos: ["after/2.jpg"]) { status } }', {}, 'RESOLVED'],
    [worker, 'mutation($c: String!) { verifyIncident(code: $c, photos: ["revisit/2.jpg"], note: null) { status } }', {}, 'VERIFIED'],
    [worker, 'mutation($c: String!) { rateIncident(code: $c, satisfied: true, note: null) { status } }', {}, 'CLOSED'],
  ];
  for (const [t, q, v, status] of steps) {
    const d = await gqlOk<Record<string, { status: string }>>(hub, t, q, { c: code, ...v });
    expect(Object.values(d)[0]!.status).toBe(status);
  }
  await feed.until(11);
  expect(feed.events.map((e) => e.incidentChanged.event)).toEqual(['report', 'escalate', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'rate', 'resolve', 'verify', 'rate']);
  expect(sibling.events).toEqual([]);

  const got = await gqlOk<{ incident: { status: string; satisfied: boolean; timeline: Array<{ event: string; from: string | null; to: string; note: string | null }> } }>(
    hub, worker, 'query($c: String!) { incident(code: $c) { status satisfied timeline { event from to note } } }', { c: code });
  expect(got.incident.status).toBe('CLOSED');
  expect(got.incident.timeline).toHaveLength(11);
  expect(got.incident.timeline[0]).toMatchObject({ event: 'report', from: null, to: 'REPORTED' });
  expect(got.incident.timeline[7]).toMatchObject({ event: 'rate', from: 'VERIFIED', to: 'DISPATCHED', note: '还有松动' });
});

it('refuses an illegal step with CONFLICT naming the state and the allowed steps', async () => {
  const worker = await token('WORKER', 'XHG-B01-C01-M01');
  const { reportIncident } = await gqlOk<Reported>(hub, worker, REPORT, { i: { grid: 'XHG-B01-C01-M01', description: '楼道堆放杂物' } });
  const r = await gql(hub, ADMIN, 'mutation($c: String!) { verifyIncident(code: $c, photos: ["x.jpg"], note: null) { status } }', { c: reportIncident.code });
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state: 'reported' });
  expect(r.errors?.[0]?.message).toMatch(/reported/);
  const handled = await gqlOk<{ handleIncident: { status: string } }>(hub, worker, 'mutation($c: String!) { handleIncident(code: $c, note: "已清理") { status } }', { c: reportIncident.code });
  expect(handled.handleIncident.status).toBe('HANDLED');
  const outside = await gql(hub, worker, 'query($c: String!) { incident(code: $c) { code } }', { c: 'E20261122-0001' });
  expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

it('gives 200 parallel reports unique, gap-free codes of the day', async () => {
  clock.set(new Date('2026-11-23T16:30:00Z')); // 00:30 on the 24th in Shanghai
  const worker = await token('WORKER', 'XHG-B02-C02-M03');
  const codes = await Promise.all(
    Array.from({ length: 200 }, (_, i) => gqlOk<Reported>(hub, worker, REPORT, { i: { grid: 'XHG-B02-C02-M03', description: `共享单车乱停 ${i}` } }).then((d) => d.reportIncident.code)),
  );
  const seqs = codes.map((c) => { expect(c.startsWith('E20261124-')).toBe(true); return Number(c.split('-')[1]); }).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
});

it('turns a blue dispute yellow after three failed mediations', async () => {
  const chief = await token('CHIEF', 'XHG-B04-C08');
  const { reportIncident } = await gqlOk<Reported>(hub, chief, REPORT, { i: { grid: 'XHG-B04-C08-M02', description: '楼上楼下因漏水发生纠纷', category: 'DISPUTE' } });
  expect(reportIncident.disputeColor).toBe('BLUE');
  const mediate = 'mutation($c: String!) { mediateIncident(code: $c, outcome: FAILURE, note: "双方不同意") { disputeColor failedMediations status } }';
  const colours: string[] = [];
  for (let i = 0; i < 3; i++) colours.push((await gqlOk<{ mediateIncident: { disputeColor: string } }>(hub, chief, mediate, { c: reportIncident.code })).mediateIncident.disputeColor);
  expect(colours).toEqual(['BLUE', 'BLUE', 'YELLOW']);
  const notDispute = await gqlOk<Reported>(hub, chief, REPORT, { i: { grid: 'XHG-B04-C08-M02', description: '垃圾桶满了' } });
  const r = await gql(hub, chief, mediate, { c: notDispute.reportIncident.code });
  expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});
