import type { Hub } from '../../src/main';
import { ManualClock } from '../../src/infra/clock';
import { ADMIN, collect, gql, gqlOk, settle, startTestHub, testDatabase, wsClient, tokenFor } from '../setup/hub';

let hub: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const clients: Array<{ dispose(): void | Promise<void> }> = [];

const token = (role: string, grid: string) => tokenFor(hub, role, grid);

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
    [dept, 'mutation($c: String!) { resolveIncident(code: $c, note: "已更换篦子", photos: ["photos/0000000000000000000000000000000000000000000000000000000000000001.jpg"]) { status } }', {}, 'RESOLVED'],
    [worker, 'mutation($c: String!) { verifyIncident(code: $c, photos: ["photos/0000000000000000000000000000000000000000000000000000000000000002.jpg"], note: null) { status } }', {}, 'VERIFIED'],
    [worker, 'mutation($c: String!) { rateIncident(code: $c, satisfied: false, note: "还有松动") { status } }', {}, 'DISPATCHED'],
    [dept, 'mutation($c: String!) { resolveIncident(code: $c, note: "已加固", photos: ["photos/0000000000000000000000000000000000000000000000000000000000000003.jpg"]) { status } }', {}, 'RESOLVED'],
    [worker, 'mutation($c: String!) { verifyIncident(code: $c, photos: ["photos/0000000000000000000000000000000000000000000000000000000000000004.jpg"], note: null) { status } }', {}, 'VERIFIED'],
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
  const r = await gql(hub, ADMIN, 'mutation($c: String!) { verifyIncident(code: $c, photos: ["photos/0000000000000000000000000000000000000000000000000000000000000005.jpg"], note: null) { status } }', { c: reportIncident.code });
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state: 'reported' });
  expect(r.errors?.[0]?.message).toMatch(/reported/);
  const handled = await gqlOk<{ handleIncident: { status: string } }>(hub, worker, 'mutation($c: String!) { handleIncident(code: $c, note: "已清理") { status } }', { c: reportIncident.code });
  expect(handled.handleIncident.status).toBe('HANDLED');
  const outside = await gql(hub, worker, 'query($c: String!) { incident(code: $c) { code } }', { c: 'E20261122-0001' });
  expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

it('dispatchIncident on a fresh report accepts it on the way, the same act as #派单 in the group', async () => {
  const grid = 'XHG-B04-C08-M02';
  const dash = wsClient(hub, await token('VIEWER', grid));
  clients.push(dash);
  const feed = collect<{ incidentChanged: { code: string; event: string; status: string } }>(dash, 'subscription { incidentChanged { code event status } }');
  await settle(300);
  const worker = await token('WORKER', grid);
  const { reportIncident } = await gqlOk<Reported>(hub, worker, REPORT, { i: { grid, description: '路灯不亮，夜里看不清路' } });
  const code = reportIncident.code;
  const dispatch = 'mutation($c: String!) { dispatchIncident(code: $c, department: "城管", deadline: null) { status } }';
  // A worker may not dispatch: told so (not that they may not accept), and nothing is taken.
  const refused = await gql(hub, worker, dispatch, { c: code });
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', event: 'dispatch', role: 'worker' });
  const centre = await token('COMMANDER', 'XHG');
  expect((await gqlOk<{ dispatchIncident: { status: string } }>(hub, centre, dispatch, { c: code })).dispatchIncident.status).toBe('DISPATCHED');
  const got = await gqlOk<{ incident: { timeline: Array<{ event: string; from: string | null; to: string }> } }>(hub, centre, 'query($c: String!) { incident(code: $c) { timeline { event from to } } }', { c: code });
  expect(got.incident.timeline).toEqual([
    { event: 'report', from: null, to: 'REPORTED' },
    { event: 'accept', from: 'REPORTED', to: 'ACCEPTED' },
    { event: 'dispatch', from: 'ACCEPTED', to: 'DISPATCHED' },
  ]);
  await feed.until(3);
  expect(feed.events.map((e) => [e.incidentChanged.event, e.incidentChanged.status])).toEqual([['report', 'REPORTED'], ['accept', 'ACCEPTED'], ['dispatch', 'DISPATCHED']]);
  // Dispatching again is a plain CONFLICT: there is nothing to accept on the way.
  expect((await gql(hub, centre, dispatch, { c: code })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state: 'dispatched', event: 'dispatch' });
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

it('finds a grid at its new place after a move, though an earlier report had looked it up', async () => {
  await gqlOk(hub, ADMIN, 'mutation { createGrid(input: { code: "XHG-B09-C14-M99", name: "新网格", level: MICRO_GRID, parent: "XHG-B09-C14" }) { code } }');
  const elsewhere = await token('WORKER', 'XHG-B10-C15');
  // Refused (outside the worker's subtree), but the grid has now been looked up once.
  const refused = await gql(hub, elsewhere, REPORT, { i: { grid: 'XHG-B09-C14-M99', description: '路灯不亮' } });
  expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  await gqlOk(hub, ADMIN, 'mutation { moveGrid(code: "XHG-B09-C14-M99", parent: "XHG-B10-C15") { code } }');
  const r = await gqlOk<Reported>(hub, elsewhere, REPORT, { i: { grid: 'XHG-B09-C14-M99', description: '路灯不亮' } });
  const listed = await gqlOk<{ incidents: { edges: Array<{ node: { code: string } }> } }>(hub, elsewhere, 'query { incidents(filter: { under: "XHG-B10-C15" }) { edges { node { code } } } }');
  expect(listed.incidents.edges.map((e) => e.node.code)).toContain(r.reportIncident.code);
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

describe('lists and figures', () => {
  let scopeDb: Awaited<ReturnType<typeof testDatabase>>;
  let h: Hub;
  const c = new ManualClock(new Date('2026-11-25T01:00:00Z')); // 09:00 in Shanghai
  beforeAll(async () => {
    scopeDb = await testDatabase('demo');
    h = await startTestHub({ databaseUrl: scopeDb.url, clock: c });
  });
  afterAll(async () => {
    await h?.stop();
    await scopeDb?.drop();
  });
  const report = (grid: string, description: string, extra: Record<string, unknown> = {}) =>
    gqlOk<Reported>(h, ADMIN, REPORT, { i: { grid, description, ...extra } }).then((d) => d.reportIncident.code);

  it('filters incidents by subtree, status, category, urgency and overdue, and pages them with cursors', async () => {
    const a = await report('XHG-B05-C09-M01', '路灯不亮了');
    const b = await report('XHG-B05-C09-M02', '小区门口有人吵架', { category: 'DISPUTE', urgent: true });
    await report('XHG-B06-C10-M01', '大件垃圾堆在路边');
    await gqlOk(h, ADMIN, 'mutation($c: String!) { handleIncident(code: $c, note: "已修好") { code } }', { c: a });
    c.advance(3 * 3600_000); // the urgent dispute (2 h) is now overdue
    const q = 'query($f: IncidentFilter, $first: Int, $after: String) { incidents(filter: $f, first: $first, after: $after) { edges { cursor node { code status } } pageInfo { hasNextPage endCursor } } }';
    type Conn = { incidents: { edges: Array<{ node: { code: string; status: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
    const codes = async (f: Record<string, unknown>) => (await gqlOk<Conn>(h, ADMIN, q, { f })).incidents.edges.map((e) => e.node.code);
    expect(await codes({ under: 'XHG-B05' })).toEqual([b, a]);
    expect(await codes({ under: 'XHG-B05', status: ['HANDLED'] })).toEqual([a]);
    expect(await codes({ category: ['DISPUTE'] })).toEqual([b]);
    expect(await codes({ urgent: true })).toEqual([b]);
    expect(await codes({ overdue: true })).toEqual([b]);
    expect(await codes({ disputeColor: 'RED' })).toEqual([b]);
    const page1 = await gqlOk<Conn>(h, ADMIN, q, { first: 2 });
    expect(page1.incidents.pageInfo.hasNextPage).toBe(true);
    const page2 = await gqlOk<Conn>(h, ADMIN, q, { first: 2, after: page1.incidents.pageInfo.endCursor });
    expect(page2.incidents.edges).toHaveLength(1);
    expect(page2.incidents.pageInfo.hasNextPage).toBe(false);
    // The open, overdue, urgent red dispute makes its micro-grid's suggested colour red.
    const risk = await gqlOk<{ grids: Array<{ code: string; riskColor: string; suggestedRiskColor: string }> }>(
      h, ADMIN, 'query { grids(under: "XHG-B05-C09", level: MICRO_GRID, first: 3) { code riskColor suggestedRiskColor } }');
    expect(risk.grids.map((g) => [g.code, g.suggestedRiskColor])).toEqual([['XHG-B05-C09-M01', 'GREEN'], ['XHG-B05-C09-M02', 'RED'], ['XHG-B05-C09-M03', 'GREEN']]);
    const bad = await gql(h, ADMIN, q, { after: 'garbage' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('computes stats and pushes statsChanged at most once a second through a burst', async () => {
    const q = 'query($s: String, $from: DateTimeISO!, $to: DateTimeISO!) { stats(scope: $s, from: $from, to: $to) { reported handledOnSite disposalRate closed completionRate overdue satisfactionRate } }';
    const window = { from: '2026-11-24T16:00:00Z', to: '2026-11-25T16:00:00Z' };
    const s = await gqlOk<{ stats: Record<string, number | null> }>(h, ADMIN, q, { s: 'XHG-B05', ...window });
    expect(s.stats).toEqual({ reported: 2, handledOnSite: 1, disposalRate: 0.5, closed: 1, completionRate: 0.5, overdue: 1, satisfactionRate: null });

    const dash = wsClient(h, ADMIN);
    clients.push(dash);
    const feed = collect<{ statsChanged: { reported: number } }>(dash, 'subscription { statsChanged(scope: "XHG-B07") { reported } }');
    await settle(300);
    await Promise.all(Array.from({ length: 40 }, (_, i) => report('XHG-B07-C11-M01', `共享单车乱停 ${i}`)));
    await feed.until(1);
    await settle(2500);
    // 40 changes in a burst: one push at once, one trailing push with the final count.
    expect(feed.events.length).toBeLessThanOrEqual(3);
    expect(feed.events[feed.events.length - 1]!.statsChanged.reported).toBe(40);
  });
});

it('takes deadline hours from DEADLINE_POLICY', async () => {
  const custom = await startTestHub({ databaseUrl: db.url, clock, env: { DEADLINE_POLICY: '{"categories":{"sanitation":{"normal":48}}}' } });
  try {
    const r = await gqlOk<Reported>(custom, ADMIN, REPORT, { i: { grid: 'XHG-B01-C01-M02', description: '大件垃圾', category: 'SANITATION' } });
    expect(new Date(r.reportIncident.deadlineAt).getTime() - new Date(r.reportIncident.createdAt).getTime()).toBe(48 * 3600_000);
  } finally {
    await custom.stop();
  }
});
