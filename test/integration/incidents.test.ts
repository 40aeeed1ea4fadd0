import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import {
  ACCEPT_INCIDENT,
  CREATE_GRID,
  DISPATCH_INCIDENT,
  ESCALATE_INCIDENT,
  GRID_RISK_COLOURS,
  HANDLE_INCIDENT,
  INCIDENT,
  INCIDENT_CHANGED,
  INCIDENTS,
  MEDIATE_INCIDENT,
  MOVE_GRID,
  RATE_INCIDENT,
  REPORT_INCIDENT,
  RESOLVE_INCIDENT,
  START_INCIDENT,
  STATS,
  STATS_CHANGED,
  VERIFY_INCIDENT,
} from '../operations';
import { departmentToken } from '../factories/departments';
import { jpegOf, uploadPhoto } from '../factories/photos';
import { ADMIN, collect, gql, gqlOk, settle, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock });
const token = (role: Op.Role, grid: string) => t.token(role, grid);
type Reported = Op.ReportIncidentMutation;
const photo = (n: number) => `photos/${String(n).padStart(64, '0')}.jpg`;

it('runs the closed loop over GraphQL while a community dashboard watches live', async () => {
  const dash = t.ws(await token('VIEWER', 'XHG-B03-C07'));
  const feed = collect<Op.IncidentChangedSubscription>(dash, INCIDENT_CHANGED);
  const sibling = collect<Op.IncidentChangedSubscription>(dash, INCIDENT_CHANGED, { scope: 'XHG-B03-C07-M01' });
  await settle(300);

  const worker = await token('WORKER', 'XHG-B03-C07-M12');
  const centre = await token('COMMANDER', 'XHG');
  const dept = await departmentToken(t.hub, t.databaseUrl, 'XHG-B03-C07', '城管');
  const r = await gqlOk<Reported>(t.hub, worker, REPORT_INCIDENT, { input: { grid: 'XHG-B03-C07-M12', description: '3栋下水道篦子破损，有行人绊倒风险', location: '3栋东侧' } });
  // 10:00 in Shanghai on 2026-11-22; a safety hazard gets 24 hours.
  expect(r.reportIncident).toMatchObject({ code: 'E20261122-0001', status: 'REPORTED', category: 'SAFETY_HAZARD', grid: { code: 'XHG-B03-C07-M12' } });
  expect(new Date(r.reportIncident.deadlineAt).getTime() - new Date(r.reportIncident.createdAt).getTime()).toBe(24 * 3600_000);
  const code = 'e20261122-1';

  const steps: Array<[string, string, Record<string, unknown>, string]> = [
    [worker, ESCALATE_INCIDENT, { note: '需要市政更换' }, 'ESCALATED'],
    [centre, ACCEPT_INCIDENT, { note: null }, 'ACCEPTED'],
    [centre, DISPATCH_INCIDENT, { department: '城管', deadline: null }, 'DISPATCHED'],
    [dept, START_INCIDENT, {}, 'IN_PROGRESS'],
    [dept, RESOLVE_INCIDENT, { note: '已更换篦子', photos: ['dept:1'] }, 'RESOLVED'],
    [worker, VERIFY_INCIDENT, { photos: ['worker:2'], note: null }, 'VERIFIED'],
    [worker, RATE_INCIDENT, { satisfied: false, note: '还有松动' }, 'DISPATCHED'],
    [dept, RESOLVE_INCIDENT, { note: '已加固', photos: ['dept:3'] }, 'RESOLVED'],
    [worker, VERIFY_INCIDENT, { photos: ['worker:4'], note: null }, 'VERIFIED'],
    [worker, RATE_INCIDENT, { satisfied: true, note: null }, 'CLOSED'],
  ];
  for (const [tk, q, v, status] of steps) {
    // Photos are uploaded by whoever takes the step, just before it (a department only once the work is theirs).
    const photos = v['photos'] ? await Promise.all((v['photos'] as string[]).map((tag) => uploadPhoto(t.hub, tk, jpegOf(tag)))) : undefined;
    const d = await gqlOk<Record<string, { status: string }>>(t.hub, tk, q, { code, ...v, ...(photos ? { photos } : {}) });
    expect(Object.values(d)[0]!.status).toBe(status);
  }
  await feed.until(11);
  expect(feed.events.map((e) => e.incidentChanged.event)).toEqual(['report', 'escalate', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'rate', 'resolve', 'verify', 'rate']);
  expect(sibling.events).toEqual([]);

  const got = await gqlOk<Op.IncidentQuery>(t.hub, worker, INCIDENT, { code });
  expect(got.incident.status).toBe('CLOSED');
  expect(got.incident.timeline).toHaveLength(11);
  expect(got.incident.timeline[0]).toMatchObject({ event: 'report', from: null, to: 'REPORTED' });
  expect(got.incident.timeline[7]).toMatchObject({ event: 'rate', from: 'VERIFIED', to: 'DISPATCHED', note: '还有松动' });
});

it('refuses an illegal step with CONFLICT naming the state and the allowed steps', async () => {
  const worker = await token('WORKER', 'XHG-B01-C01-M01');
  const { reportIncident } = await gqlOk<Reported>(t.hub, worker, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: '楼道堆放杂物' } });
  const r = await gql(t.hub, ADMIN, VERIFY_INCIDENT, { code: reportIncident.code, photos: [photo(5)], note: null });
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state: 'reported' });
  expect(r.errors?.[0]?.message).toMatch(/reported/);
  const handled = await gqlOk<Op.HandleIncidentMutation>(t.hub, worker, HANDLE_INCIDENT, { code: reportIncident.code, note: '已清理' });
  expect(handled.handleIncident.status).toBe('HANDLED');
  const outside = await gql(t.hub, worker, INCIDENT, { code: 'E20261122-0001' });
  expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
});

it('dispatchIncident on a fresh report accepts it on the way, the same act as #派单 in the group', async () => {
  const grid = 'XHG-B04-C08-M02';
  const dash = t.ws(await token('VIEWER', grid));
  const feed = collect<Op.IncidentChangedSubscription>(dash, INCIDENT_CHANGED);
  await settle(300);
  const worker = await token('WORKER', grid);
  const { reportIncident } = await gqlOk<Reported>(t.hub, worker, REPORT_INCIDENT, { input: { grid, description: '路灯不亮，夜里看不清路' } });
  const code = reportIncident.code;
  const dispatch = { code, department: '城管', deadline: null };
  // A worker may not dispatch: told so (not that they may not accept), and nothing is taken.
  const refused = await gql(t.hub, worker, DISPATCH_INCIDENT, dispatch);
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', event: 'dispatch', role: 'worker' });
  const centre = await token('COMMANDER', 'XHG');
  expect((await gqlOk<Op.DispatchIncidentMutation>(t.hub, centre, DISPATCH_INCIDENT, dispatch)).dispatchIncident.status).toBe('DISPATCHED');
  const got = await gqlOk<Op.IncidentQuery>(t.hub, centre, INCIDENT, { code });
  expect(got.incident!.timeline.map(({ event, from, to }) => ({ event, from, to }))).toEqual([
    { event: 'report', from: null, to: 'REPORTED' },
    { event: 'accept', from: 'REPORTED', to: 'ACCEPTED' },
    { event: 'dispatch', from: 'ACCEPTED', to: 'DISPATCHED' },
  ]);
  await feed.until(3);
  expect(feed.events.map((e) => [e.incidentChanged.event, e.incidentChanged.status])).toEqual([['report', 'REPORTED'], ['accept', 'ACCEPTED'], ['dispatch', 'DISPATCHED']]);
  // Dispatching again is a plain CONFLICT: there is nothing to accept on the way.
  expect((await gql(t.hub, centre, DISPATCH_INCIDENT, dispatch)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state: 'dispatched', event: 'dispatch' });
});

it('gives 200 parallel reports unique, gap-free codes of the day', async () => {
  clock.set(new Date('2026-11-23T16:30:00Z')); // 00:30 on the 24th in Shanghai
  const worker = await token('WORKER', 'XHG-B02-C02-M03');
  const codes = await Promise.all(
    Array.from({ length: 200 }, (_, i) => gqlOk<Reported>(t.hub, worker, REPORT_INCIDENT, { input: { grid: 'XHG-B02-C02-M03', description: `共享单车乱停 ${i}` } }).then((d) => d.reportIncident.code)),
  );
  const seqs = codes.map((c) => { expect(c.startsWith('E20261124-')).toBe(true); return Number(c.split('-')[1]); }).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
});

it('finds a grid at its new place after a move, though an earlier report had looked it up', async () => {
  await gqlOk(t.hub, ADMIN, CREATE_GRID, { input: { code: 'XHG-B09-C14-M99', name: '新网格', level: 'MICRO_GRID', parent: 'XHG-B09-C14' } });
  const elsewhere = await token('WORKER', 'XHG-B10-C15');
  // Refused (outside the worker's subtree), but the grid has now been looked up once.
  const refused = await gql(t.hub, elsewhere, REPORT_INCIDENT, { input: { grid: 'XHG-B09-C14-M99', description: '路灯不亮' } });
  expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  await gqlOk(t.hub, ADMIN, MOVE_GRID, { code: 'XHG-B09-C14-M99', parent: 'XHG-B10-C15' });
  const r = await gqlOk<Reported>(t.hub, elsewhere, REPORT_INCIDENT, { input: { grid: 'XHG-B09-C14-M99', description: '路灯不亮' } });
  const listed = await gqlOk<Op.IncidentsQuery>(t.hub, elsewhere, INCIDENTS, { filter: { under: 'XHG-B10-C15' } });
  expect(listed.incidents.edges.map((e) => e.node.code)).toContain(r.reportIncident.code);
});

it('turns a blue dispute yellow after three failed mediations', async () => {
  const chief = await token('CHIEF', 'XHG-B04-C08');
  const { reportIncident } = await gqlOk<Reported>(t.hub, chief, REPORT_INCIDENT, { input: { grid: 'XHG-B04-C08-M02', description: '楼上楼下因漏水发生纠纷', category: 'DISPUTE' } });
  expect(reportIncident.disputeColor).toBe('BLUE');
  const failed = (code: string): Op.MediateIncidentMutationVariables => ({ code, outcome: 'FAILURE', note: '双方不同意' });
  const colours: Array<string | null | undefined> = [];
  for (let i = 0; i < 3; i++) colours.push((await gqlOk<Op.MediateIncidentMutation>(t.hub, chief, MEDIATE_INCIDENT, failed(reportIncident.code))).mediateIncident.disputeColor);
  expect(colours).toEqual(['BLUE', 'BLUE', 'YELLOW']);
  const notDispute = await gqlOk<Reported>(t.hub, chief, REPORT_INCIDENT, { input: { grid: 'XHG-B04-C08-M02', description: '垃圾桶满了' } });
  const r = await gql(t.hub, chief, MEDIATE_INCIDENT, failed(notDispute.reportIncident.code));
  expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
});

describe('lists and figures', () => {
  // A database of its own, so the figures count only this block's incidents.
  const c = new ManualClock(new Date('2026-11-25T01:00:00Z')); // 09:00 in Shanghai
  const own = useHub({ clock: c });
  const report = (grid: string, description: string, extra: Partial<Op.ReportIncidentInput> = {}) =>
    gqlOk<Reported>(own.hub, ADMIN, REPORT_INCIDENT, { input: { grid, description, ...extra } }).then((d) => d.reportIncident.code);

  it('filters incidents by subtree, status, category, urgency and overdue, and pages them with cursors', async () => {
    const a = await report('XHG-B05-C09-M01', '路灯不亮了');
    const b = await report('XHG-B05-C09-M02', '小区门口有人吵架', { category: 'DISPUTE', urgent: true });
    await report('XHG-B06-C10-M01', '大件垃圾堆在路边');
    await gqlOk(own.hub, ADMIN, HANDLE_INCIDENT, { code: a, note: '已修好' });
    c.advance(3 * 3600_000); // the urgent dispute (2 h) is now overdue
    type Conn = Op.IncidentsQuery;
    const codes = async (filter: Op.IncidentFilter) => (await gqlOk<Conn>(own.hub, ADMIN, INCIDENTS, { filter })).incidents.edges.map((e) => e.node.code);
    expect(await codes({ under: 'XHG-B05' })).toEqual([b, a]);
    expect(await codes({ under: 'XHG-B05', status: ['HANDLED'] })).toEqual([a]);
    expect(await codes({ category: ['DISPUTE'] })).toEqual([b]);
    expect(await codes({ urgent: true })).toEqual([b]);
    expect(await codes({ overdue: true })).toEqual([b]);
    expect(await codes({ disputeColor: 'RED' })).toEqual([b]);
    const page1 = await gqlOk<Conn>(own.hub, ADMIN, INCIDENTS, { first: 2 });
    expect(page1.incidents.pageInfo.hasNextPage).toBe(true);
    const page2 = await gqlOk<Conn>(own.hub, ADMIN, INCIDENTS, { first: 2, after: page1.incidents.pageInfo.endCursor });
    expect(page2.incidents.edges).toHaveLength(1);
    expect(page2.incidents.pageInfo.hasNextPage).toBe(false);
    // The open, overdue, urgent red dispute makes its micro-grid's suggested colour red.
    const risk = await gqlOk<Op.GridRiskColoursQuery>(own.hub, ADMIN, GRID_RISK_COLOURS, { under: 'XHG-B05-C09', level: 'MICRO_GRID', first: 3 });
    expect(risk.grids.map((g) => [g.code, g.suggestedRiskColor])).toEqual([['XHG-B05-C09-M01', 'GREEN'], ['XHG-B05-C09-M02', 'RED'], ['XHG-B05-C09-M03', 'GREEN']]);
    const bad = await gql(own.hub, ADMIN, INCIDENTS, { after: 'garbage' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('computes stats and pushes statsChanged at most once a second through a burst', async () => {
    const window = { from: '2026-11-24T16:00:00Z', to: '2026-11-25T16:00:00Z' };
    const s = await gqlOk<Op.StatsQuery>(own.hub, ADMIN, STATS, { scope: 'XHG-B05', ...window });
    expect(s.stats).toEqual({ reported: 2, handledOnSite: 1, disposalRate: 0.5, closed: 1, completionRate: 0.5, overdue: 1, satisfactionRate: null });

    const dash = own.ws(ADMIN);
    const feed = collect<Op.StatsChangedSubscription>(dash, STATS_CHANGED, { scope: 'XHG-B07' });
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
  const custom = await t.start({ env: { DEADLINE_POLICY: '{"categories":{"sanitation":{"normal":48}}}' } });
  try {
    const r = await gqlOk<Reported>(custom, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M02', description: '大件垃圾', category: 'SANITATION' } });
    expect(new Date(r.reportIncident.deadlineAt).getTime() - new Date(r.reportIncident.createdAt).getTime()).toBe(48 * 3600_000);
  } finally {
    await t.stop(custom);
  }
});
