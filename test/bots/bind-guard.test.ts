import type * as Op from '../generated/operations';
import { BIND_ALERTS, CONFIRM_BINDING, ISSUE_BIND_CODE, ISSUE_TOKEN, PENDING_BINDINGS, REGISTER_MEMBER } from '../operations';
import { say } from '../setup/bot';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const t = useHub({ bots: true, env: { RATE_LIMIT_BIND_FAILURES: '3/1h' } });
const M = 'XHG-B04-C08-M01';

/** A token of a given member (the issuer the bot tells, the one who confirms). */
async function memberToken(role: Op.Role, grid: string, member: number): Promise<string> {
  return (await gqlOk<Op.IssueTokenMutation>(t.hub, ADMIN, ISSUE_TOKEN, { input: { role, grid, member: String(member) } })).issueToken.token;
}

async function register(token: string, grid: string, name: string, role: Op.Role): Promise<number> {
  return Number((await gqlOk<Op.RegisterMemberMutation>(t.hub, token, REGISTER_MEMBER, { input: { grid, name, role } })).registerMember.id);
}

const issue = async (token: string, member: number) => (await gqlOk<Op.IssueBindCodeMutation>(t.hub, token, ISSUE_BIND_CODE, { member })).issueBindCode.code;

describe('bind codes cannot be guessed', () => {
  it('locks a contact and its group after three wrong codes, tells the issuer in WeChat and over GraphQL, and leaves other groups open', async () => {
    const { rows } = await t.pg.query(`select m.id, mc.contact_id from member m join grid g on g.id = m.grid_id join member_contact mc on mc.member_id = m.id where g.code = $1 and m.role = 'chief' limit 1`, [M]);
    const chief = rows[0] as { id: number; contact_id: string };
    const chiefToken = await memberToken('CHIEF', M, chief.id);
    const newcomer = await register(chiefToken, M, '钱新来', 'WORKER');
    const code = await issue(chiefToken, newcomer);
    const wrong = code === '000000' ? '000001' : '000000';

    for (let i = 0; i < 3; i++) expect(await say(t.hub, M, '孙猜码', `#绑定 ${wrong}`)).toEqual(['绑定码不对、已用过或已过期，请向管理员重新索取']);
    // Locked now, even for the right code; said once, then silence.
    expect(await say(t.hub, M, '孙猜码', `#绑定 ${code}`)).toEqual([expect.stringMatching(/^绑定码错误次数过多，已锁定，请 (60 分钟|1 小时)后再试$/)]);
    expect(await say(t.hub, M, '孙猜码', `#绑定 ${code}`)).toEqual([]);
    // The whole group is locked: the code's rightful owner waits too, but binds in another group.
    expect((await say(t.hub, M, '钱新来', `#绑定 ${code}`))[0]).toMatch(/^绑定码错误次数过多，已锁定/);
    expect(await say(t.hub, 'XHG-B04-C08-M02', '钱新来', `#绑定 ${code}`)).toEqual(['绑定成功：钱新来，XHG-B04-C08-M01 网格员']);

    const alerts = await gqlOk<Op.BindAlertsQuery>(t.hub, chiefToken, BIND_ALERTS, { first: 5 });
    expect(alerts.bindAlerts).toEqual([expect.objectContaining({ locked: 'contact', contactName: '孙猜码' })]);
    // Another block's commander does not see this grid's alert.
    expect((await gqlOk<Op.BindAlertsQuery>(t.hub, await t.token('COMMANDER', 'XHG-B05'), BIND_ALERTS, { first: 5 })).bindAlerts).toEqual([]);
    const told = await t.pg.query(`select text from outbox_message where kind = 'bind_alert' and room_id = $1`, [chief.contact_id]);
    expect(told.rows).toEqual([{ text: expect.stringContaining('孙猜码') }]);
  });
});

describe("a commander's or instructor's binding waits for its issuer", () => {
  it('files the contact as pending, tells them so, and binds only when the issuing token confirms', async () => {
    const issuer = await t.token('ADMIN', null);
    const instructor = await register(issuer, 'XHG-B06', '吴指导', 'INSTRUCTOR');
    const code = await issue(issuer, instructor);
    expect(await say(t.hub, 'XHG-B06', '吴指导', `#绑定 ${code}`)).toEqual(['已收到 吴指导 的绑定申请，等待发码人确认后生效']);
    // Not bound yet: a member's command is refused as from an unbound contact.
    expect(await say(t.hub, 'XHG-B06', '吴指导', '#收到')).toEqual(['请先绑定：向管理员要绑定码，发送 #绑定 绑定码']);

    expect((await gqlOk<Op.PendingBindingsQuery>(t.hub, issuer, PENDING_BINDINGS)).pendingBindings).toEqual([{ code, member: instructor, memberName: '吴指导', contactName: '吴指导' }]);
    // Someone else who may register members is not the issuer: neither sees nor confirms it.
    const commander = await t.token('COMMANDER', 'XHG');
    expect((await gqlOk<Op.PendingBindingsQuery>(t.hub, commander, PENDING_BINDINGS)).pendingBindings).toEqual([]);
    expect((await gql(t.hub, commander, CONFIRM_BINDING, { code })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'BINDING_NOT_PENDING' });

    expect((await gqlOk<Op.ConfirmBindingMutation>(t.hub, issuer, CONFIRM_BINDING, { code })).confirmBinding).toBe(instructor);
    const { rows } = await t.pg.query(`select text from outbox_message where kind = 'reply' and text like '绑定已确认%'`);
    expect(rows).toEqual([{ text: '绑定已确认：吴指导，XHG-B06 网格指导员' }]);
    // Bound now (the group's confirmation line may be sent during this turn too).
    expect(await say(t.hub, 'XHG-B06', '吴指导', '#收到')).toEqual(expect.arrayContaining(['本网格暂无待办指令']));
    // Confirmed once: the code is used up.
    expect((await gql(t.hub, issuer, CONFIRM_BINDING, { code })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await gqlOk<Op.PendingBindingsQuery>(t.hub, issuer, PENDING_BINDINGS)).pendingBindings).toEqual([]);
  });

  it('a worker’s code still binds at once', async () => {
    const chief = await t.token('CHIEF', 'XHG-B06-C10');
    const worker = await register(chief, 'XHG-B06-C10', '郑巡查', 'WORKER');
    expect(await say(t.hub, 'XHG-B06-C10', '郑巡查', `#绑定 ${await issue(chief, worker)}`)).toEqual(['绑定成功：郑巡查，XHG-B06-C10 网格员']);
  });
});

describe('a bind code carries no more power than its issuer may grant', () => {
  it('refuses a chief a code for a commander or instructor of their grid, while admins and commanders get codes for roles below theirs', async () => {
    const grid = 'XHG-B06-C10';
    const commander = await register(ADMIN, grid, '冯高位', 'COMMANDER');
    const instructor = await register(ADMIN, grid, '陈指导', 'INSTRUCTOR');
    const fellowChief = await register(ADMIN, grid, '褚同级', 'CHIEF');
    const chief = await t.token('CHIEF', grid);
    for (const member of [commander, instructor, fellowChief]) {
      expect((await gql(t.hub, chief, ISSUE_BIND_CODE, { member })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    // Nothing was issued, so nothing can be typed into a group and confirmed by the chief.
    const { rows } = await t.pg.query(`select count(*)::int as n from bind_code where member_id = any($1)`, [[commander, instructor, fellowChief]]);
    expect(rows).toEqual([{ n: 0 }]);

    const cityCommander = await t.token('COMMANDER', 'XHG');
    expect((await gql(t.hub, cityCommander, ISSUE_BIND_CODE, { member: commander })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await issue(cityCommander, instructor)).toMatch(/^\d{6}$/);
    expect(await issue(cityCommander, fellowChief)).toMatch(/^\d{6}$/);
    expect(await issue(ADMIN, commander)).toMatch(/^\d{6}$/);
  });
});
