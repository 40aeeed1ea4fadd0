import { deadlineFor } from '../../src/domain/deadline-policy';
import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { INCIDENT_DEPARTMENTS, INCIDENTS_BY_DEPARTMENT, JOINT_DISPATCH, REPORT_INCIDENT, RESOLVE_WITH_NOTE, RETURN_INCIDENT, SET_DEPARTMENT_HEAD, START_INCIDENT } from '../operations';
import { departmentToken } from '../factories/departments';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock });
const C = 'XHG-B03-C07';
const M = 'XHG-B03-C07-M03';

async function yellowDispute(description: string): Promise<string> {
  const worker = await t.token('WORKER', M);
  const input: Op.ReportIncidentInput = { grid: M, description, category: 'DISPUTE', disputeColor: 'YELLOW' };
  return (await gqlOk<Op.ReportIncidentMutation>(t.hub, worker, REPORT_INCIDENT, { input })).reportIncident.code;
}

const departmentsOf = async (code: string) => (await gqlOk<Op.IncidentDepartmentsQuery>(t.hub, ADMIN, INCIDENT_DEPARTMENTS, { code })).incident;

describe('joint handling of a yellow dispute (联合处置)', () => {
  it('dispatches to a lead and co-departments, each with its own deadline; the lead resolves only after every co-department reported or returned its part', async () => {
    const code = await yellowDispute('楼上楼下漏水纠纷，三次调解未果，涉及低保户');
    const centre = await t.token('COMMANDER', 'XHG');
    const dispatched = await gqlOk<Op.JointDispatchMutation>(t.hub, centre, JOINT_DISPATCH, { code, department: '城管', coDepartments: ['民政', ' 派出所 ', '城管', '民政'], deadline: null });
    expect(dispatched.dispatchIncident.departments.map(({ name, lead, status }) => ({ name, lead, status }))).toEqual([
      { name: '城管', lead: true, status: 'DISPATCHED' },
      { name: '民政', lead: false, status: 'DISPATCHED' },
      { name: '派出所', lead: false, status: 'DISPATCHED' },
    ]);
    // Each co-department's deadline is its own, from the policy (派出所 answers within its 24 hours).
    const due = (department: string) => deadlineFor({ category: 'dispute', urgent: false, colour: 'yellow', department }, clock.now()).toISOString();
    const byName = new Map(dispatched.dispatchIncident.departments.map((d) => [d.name, new Date(d.deadlineAt).toISOString()]));
    expect(byName.get('派出所')).toBe(due('派出所'));
    expect(byName.get('民政')).toBe(due('民政'));
    expect(byName.get('派出所')).not.toBe(byName.get('民政'));

    const lead = await departmentToken(t.hub, t.databaseUrl, C, '城管');
    const civil = await departmentToken(t.hub, t.databaseUrl, C, '民政');
    const police = await departmentToken(t.hub, t.databaseUrl, C, '派出所');
    const power = await departmentToken(t.hub, t.databaseUrl, C, '供电');

    const early = await gql(t.hub, lead, RESOLVE_WITH_NOTE, { code, note: '已协调维修' });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CO_DEPARTMENTS_PENDING', departments: ['民政', '派出所'] });

    // A co-department works its part: the incident's own state does not move.
    expect((await gqlOk<Op.StartIncidentMutation>(t.hub, civil, START_INCIDENT, { code })).startIncident.status).toBe('DISPATCHED');
    expect((await gqlOk<Op.ResolveWithNoteMutation>(t.hub, civil, RESOLVE_WITH_NOTE, { code, note: '已走访双方，落实临时救助' })).resolveIncident.status).toBe('DISPATCHED');
    expect((await gql(t.hub, civil, RESOLVE_WITH_NOTE, { code, note: '再办结一次' })).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ILLEGAL_STEP', state: 'resolved' });
    // A department neither lead nor co-department may not touch it.
    expect((await gql(t.hub, power, START_INCIDENT, { code })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_YOUR_DEPARTMENT', department: '城管' });
    // Still one part open.
    expect((await gql(t.hub, lead, RESOLVE_WITH_NOTE, { code, note: '已协调维修' })).errors?.[0]?.extensions).toMatchObject({ reason: 'CO_DEPARTMENTS_PENDING', departments: ['派出所'] });
    // A co-department returns its part with a reason: it owes nothing more.
    expect((await gql(t.hub, police, RETURN_INCIDENT, { code, note: '' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await gqlOk<Op.ReturnIncidentMutation>(t.hub, police, RETURN_INCIDENT, { code, note: '不涉及治安' })).returnIncident).toMatchObject({ status: 'DISPATCHED', department: '城管' });

    const resolved = await gqlOk<Op.ResolveWithNoteMutation>(t.hub, lead, RESOLVE_WITH_NOTE, { code, note: '已协调维修，双方签订协议' });
    expect(resolved.resolveIncident.status).toBe('RESOLVED');
    const after = await departmentsOf(code);
    expect(after.departments.map(({ name, lead: l, status, note }) => ({ name, lead: l, status, note }))).toEqual([
      { name: '城管', lead: true, status: 'RESOLVED', note: null },
      { name: '民政', lead: false, status: 'RESOLVED', note: '已走访双方，落实临时救助' },
      { name: '派出所', lead: false, status: 'RETURNED', note: '不涉及治安' },
    ]);
    expect(after.timeline.filter((e) => e.event.startsWith('part_')).map(({ event, actorRole, note }) => ({ event, actorRole, note }))).toEqual([
      { event: 'part_start', actorRole: 'department', note: '民政' },
      { event: 'part_resolve', actorRole: 'department', note: '民政：已走访双方，落实临时救助' },
      { event: 'part_return', actorRole: 'department', note: '派出所：不涉及治安' },
    ]);
  });

  it('lists an incident under each of its departments, co-departments included', async () => {
    const code = await yellowDispute('小区物业与业主停车纠纷，需多部门联合化解');
    await gqlOk(t.hub, await t.token('COMMANDER', 'XHG'), JOINT_DISPATCH, { code, department: '市场监管', coDepartments: ['派出所'], deadline: null });
    const viewer = await t.token('VIEWER', 'XHG');
    const codesFor = async (department: string[]) =>
      (await gqlOk<Op.IncidentsByDepartmentQuery>(t.hub, viewer, INCIDENTS_BY_DEPARTMENT, { filter: { department } })).incidents.edges.map((e) => e.node.code);
    expect(await codesFor(['派出所'])).toContain(code);
    expect(await codesFor(['市场监管'])).toContain(code);
    expect(await codesFor(['供电'])).not.toContain(code);
  });

  it('a new dispatch names the whole set: co-departments of the earlier one are replaced', async () => {
    const code = await yellowDispute('相邻店铺油烟扰民纠纷');
    const centre = await t.token('COMMANDER', 'XHG');
    await gqlOk(t.hub, centre, JOINT_DISPATCH, { code, department: '城管', coDepartments: ['市场监管'], deadline: null });
    await gqlOk(t.hub, await departmentToken(t.hub, t.databaseUrl, C, '城管'), RETURN_INCIDENT, { code, note: '由市场监管牵头' });
    const again = await gqlOk<Op.JointDispatchMutation>(t.hub, centre, JOINT_DISPATCH, { code, department: '市场监管', coDepartments: ['城管'], deadline: null });
    expect(again.dispatchIncident.departments.map((d) => [d.name, d.lead])).toEqual([
      ['市场监管', true],
      ['城管', false],
    ]);
    // A co-department that serves no grid above the incident is refused, and nothing changes.
    const other = await yellowDispute('隔壁装修噪音纠纷');
    const refused = await gql(t.hub, centre, JOINT_DISPATCH, { code: other, department: '城管', coDepartments: ['环保局'], deadline: null });
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await departmentsOf(other)).toMatchObject({ status: 'REPORTED', department: null, departments: [] });
  });
});

it('a department’s head is one of its members, named by the centre', async () => {
  const { rows } = await t.pg.query(
    `select m.id, d.name from member m join department d on d.id = m.department_id join grid g on g.id = d.grid_id where g.code = $1 and d.name in ('城管', '民政') order by d.name`,
    [C],
  );
  const cg = rows.find((r) => r.name === '城管')!;
  const civil = rows.find((r) => r.name === '民政')!;
  const set = await gqlOk<Op.SetDepartmentHeadMutation>(t.hub, await t.token('COMMANDER', 'XHG'), SET_DEPARTMENT_HEAD, { grid: C, department: '城管', member: cg.id });
  expect(set.setDepartmentHead.head).toMatchObject({ id: String(cg.id) });
  const wrong = await gql(t.hub, ADMIN, SET_DEPARTMENT_HEAD, { grid: C, department: '城管', member: civil.id });
  expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const worker = await gql(t.hub, await t.token('WORKER', M), SET_DEPARTMENT_HEAD, { grid: C, department: '城管', member: cg.id });
  expect(worker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
});
