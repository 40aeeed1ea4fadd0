import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import {
  DISPATCH_INCIDENT,
  INCIDENT_CHANGED_WITH_INCIDENT,
  INCIDENTS_BY_DEPARTMENT,
  RATE_INCIDENT,
  REOPEN_INCIDENT,
  REPORT_INCIDENT,
  RESOLVE_INCIDENT,
  RETURN_INCIDENT,
  START_INCIDENT,
  VERIFY_INCIDENT,
} from '../operations';
import { departmentToken } from '../factories/departments';
import { jpegOf, uploadPhoto } from '../factories/photos';
import { collect, gql, gqlOk, settle, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock });
const C = 'XHG-B03-C07';
const M = 'XHG-B03-C07-M03';
const photo = (n: number) => `photos/${String(n).padStart(64, '0')}.jpg`;

async function dispatched(description: string, department = '城管'): Promise<string> {
  const worker = await t.token('WORKER', M);
  const code = (await gqlOk<Op.ReportIncidentMutation>(t.hub, worker, REPORT_INCIDENT, { input: { grid: M, description } })).reportIncident.code;
  await gqlOk(t.hub, await t.token('COMMANDER', 'XHG'), DISPATCH_INCIDENT, { code, department, deadline: null });
  return code;
}

describe('department work belongs to the department it was dispatched to', () => {
  it('refuses start, resolve and return to another department and to a department token of no department', async () => {
    const code = await dispatched('路灯不亮，夜间行人看不清');
    const other = await departmentToken(t.hub, t.databaseUrl, C, '民政');
    const nobody = await t.token('DEPARTMENT', C);
    for (const tk of [other, nobody]) {
      for (const [op, vars] of [
        [START_INCIDENT, { code }],
        [RESOLVE_INCIDENT, { code, note: '已修好', photos: [photo(1)] }],
        [RETURN_INCIDENT, { code, note: '不归我们管' }],
      ] as const) {
        const r = await gql(t.hub, tk, op, vars);
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_YOUR_DEPARTMENT', department: '城管' });
      }
    }
    const own = await departmentToken(t.hub, t.databaseUrl, C, '城管');
    expect((await gqlOk<Op.StartIncidentMutation>(t.hub, own, START_INCIDENT, { code })).startIncident.status).toBe('IN_PROGRESS');
  });

  it('a return carries its reason and goes back to the centre, which may dispatch it to another department', async () => {
    const code = await dispatched('小区门口占道经营');
    const own = await departmentToken(t.hub, t.databaseUrl, C, '城管');
    const back = await gqlOk<Op.ReturnIncidentMutation>(t.hub, own, RETURN_INCIDENT, { code, note: '属于市场监管' });
    expect(back.returnIncident).toMatchObject({ status: 'RETURNED', department: '城管' });
    const { rows } = await t.pg.query(`select e.note from incident_event e join incident i on i.id = e.incident_id where i.code = $1 and e.event = 'return'`, [code]);
    expect(rows).toEqual([{ note: '属于市场监管' }]);
    await gqlOk(t.hub, await t.token('COMMANDER', 'XHG'), DISPATCH_INCIDENT, { code, department: '市场监管', deadline: null });
    const market = await departmentToken(t.hub, t.databaseUrl, C, '市场监管');
    expect((await gql(t.hub, own, START_INCIDENT, { code })).errors?.[0]?.extensions).toMatchObject({ reason: 'NOT_YOUR_DEPARTMENT', department: '市场监管' });
    expect((await gqlOk<Op.StartIncidentMutation>(t.hub, market, START_INCIDENT, { code })).startIncident.status).toBe('IN_PROGRESS');
  });

  it('lists incidents by department', async () => {
    const power = await dispatched('配电箱冒烟', '供电');
    const viewer = await t.token('VIEWER', 'XHG');
    const got = await gqlOk<Op.IncidentsByDepartmentQuery>(t.hub, viewer, INCIDENTS_BY_DEPARTMENT, { filter: { department: ['供电'] } });
    expect(got.incidents.edges.map((e) => e.node)).toEqual([expect.objectContaining({ code: power, department: '供电', status: 'DISPATCHED' })]);
  });
});

it('incidentChanged carries the incident itself beside the event', async () => {
  const dash = t.ws(await t.token('VIEWER', C));
  const feed = collect<Op.IncidentChangedWithIncidentSubscription>(dash, INCIDENT_CHANGED_WITH_INCIDENT);
  await settle(300);
  const code = await dispatched('井盖缺失，急需处理');
  await feed.until(3);
  const last = feed.events.find((e) => e.incidentChanged.code === code && e.incidentChanged.event === 'dispatch')!.incidentChanged;
  expect(last.incident).toMatchObject({ code, status: 'DISPATCHED', category: 'SAFETY_HAZARD', urgent: false, grid: { code: M, name: expect.stringContaining('第3微网格') }, department: '城管' });
  expect(new Date(last.incident.deadlineAt).getTime()).toBeGreaterThan(clock.now().getTime());
});

describe('reopen rules', () => {
  const close = async (code: string) => {
    const own = await departmentToken(t.hub, t.databaseUrl, C, '城管');
    const worker = await t.token('WORKER', M);
    await gqlOk(t.hub, own, RESOLVE_INCIDENT, { code, note: '已处理', photos: [await uploadPhoto(t.hub, own, jpegOf(2))] });
    await gqlOk(t.hub, worker, VERIFY_INCIDENT, { code, photos: [await uploadPhoto(t.hub, worker, jpegOf(3))], note: null });
  };

  it('an unsatisfied verdict counts; the third reopen escalates a level; a fourth is refused', async () => {
    const code = await dispatched('垃圾清运不及时，多次反映');
    const worker = await t.token('WORKER', M);
    const centre = await t.token('COMMANDER', 'XHG');
    await close(code);
    // Reopen 1: the resident is not satisfied.
    expect((await gqlOk<Op.RateIncidentMutation>(t.hub, worker, RATE_INCIDENT, { code, satisfied: false, note: '还有垃圾' })).rateIncident.status).toBe('DISPATCHED');
    await close(code);
    await gqlOk(t.hub, worker, RATE_INCIDENT, { code, satisfied: true, note: null });
    // Reopen 2: the centre, after a complaint.
    expect((await gqlOk<Op.ReopenIncidentMutation>(t.hub, centre, REOPEN_INCIDENT, { code, note: '12345 再次投诉' })).reopenIncident.status).toBe('ACCEPTED');
    const escalations = async () => (await t.pg.query(`select g.code from incident_escalation e join incident i on i.id = e.incident_id join grid g on g.id = e.target_grid_id where i.code = $1`, [code])).rows.map((r) => r.code);
    expect(await escalations()).toEqual([]);
    await gqlOk(t.hub, centre, DISPATCH_INCIDENT, { code, department: '城管', deadline: null });
    await close(code);
    await gqlOk(t.hub, worker, RATE_INCIDENT, { code, satisfied: true, note: null });
    // Reopen 3: escalated one level (micro-grid → community).
    await gqlOk(t.hub, centre, REOPEN_INCIDENT, { code, note: '第三次投诉' });
    expect(await escalations()).toEqual([C]);
    await gqlOk(t.hub, centre, DISPATCH_INCIDENT, { code, department: '城管', deadline: null });
    await close(code);
    await gqlOk(t.hub, worker, RATE_INCIDENT, { code, satisfied: true, note: null });
    const refused = await gql(t.hub, centre, REOPEN_INCIDENT, { code, note: '第四次' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'REOPEN_REFUSED', why: 'limit', times: 3 });
  });

  it('refuses a reopen later than the window after closing', async () => {
    const code = await dispatched('楼道灯坏了');
    const worker = await t.token('WORKER', M);
    await close(code);
    await gqlOk(t.hub, worker, RATE_INCIDENT, { code, satisfied: true, note: null });
    clock.advance(31 * 86_400_000);
    const refused = await gql(t.hub, await t.token('COMMANDER', 'XHG'), REOPEN_INCIDENT, { code, note: '又坏了' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'REOPEN_REFUSED', why: 'window', days: 30 });
  });
});
