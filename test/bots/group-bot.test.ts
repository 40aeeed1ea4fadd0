import type { InboxOutcome } from '../../src/bots/inbox';
import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { BIND_GROUP, CREATE_GRID, DELETE_GRID, INCIDENT_CHANGED, ISSUE_BIND_CODE, REGISTER_MEMBER, RESOLVE_INCIDENT, START_INCIDENT, UNBIND_GROUP, VERIFY_INCIDENT } from '../operations';
import { codeIn, say, sayRaw } from '../setup/bot';
import { departmentToken } from '../factories/departments';
import { jpegOf, uploadPhoto } from '../factories/photos';
import { ADMIN, collect, gql, gqlOk, settle, until, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
const t = useHub({ clock, bots: true });
const M = 'XHG-B02-C03-M05';

const world = () => t.hub.bots!.demo!;
const token = (role: Op.Role, grid: string) => t.token(role, grid);
const incidentCount = async () => Number((await t.pg.query('select count(*) as n from incident')).rows[0].n);
const outboxCount = async () => Number((await t.pg.query('select count(*) as n from outbox_message')).rows[0].n);

/** The next `n` inbox outcomes (every message, ignored ones included, ends in one). */
const outcomes = (n: number, ms = 120_000) =>
  new Promise<InboxOutcome[]>((resolve, reject) => {
    const seen: InboxOutcome[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${n} messages processed`)), ms);
    const on = (o: InboxOutcome) => {
      seen.push(o);
      if (seen.length === n) {
        clearTimeout(timer);
        t.hub.bots!.inbox.off('processed', on);
        resolve(seen);
      }
    };
    t.hub.bots!.inbox.on('processed', on);
  });


it('a worker’s report in the group becomes the grid’s incident, a dashboard sees it live, and the reply names it', async () => {
  const feed = collect<Op.IncidentChangedSubscription>(t.ws(await token('VIEWER', 'XHG-B02-C03')), INCIDENT_CHANGED);
  await settle(300);

  const replies = await say(t.hub, M, 'worker', '#上报 3栋下水道篦子破损，有行人绊倒风险');
  expect(replies).toHaveLength(1);
  expect(replies[0]).toMatch(/^已登记 E20261123-\d{4}【安全隐患】，限 24 小时内处置$/);
  const code = codeIn(replies[0]);

  const row = (await t.pg.query('select i.status, i.category, g.code as grid, m.role from incident i join grid g on g.id = i.grid_id join member m on m.id = i.reporter_id where i.code = $1', [code])).rows[0];
  expect(row).toEqual({ status: 'reported', category: 'safety_hazard', grid: M, role: 'worker' });
  await feed.until(1);
  expect(feed.events[0]!.incidentChanged).toEqual({ code, event: 'report', status: 'REPORTED' });

  // The same message as a bare keyword with a full-width colon, and urgent.
  const urgent = await say(t.hub, M, 'worker', '上报：【紧急】2单元楼道电线冒烟');
  expect(urgent[0]).toMatch(/【安全隐患】（紧急），限 2 小时内处置$/);
});

it('a redelivered WeChat message id is acted on once', async () => {
  const w = world();
  const before = await incidentCount();
  const first = outcomes(1);
  // Speak as the grid's worker straight through the mocker, so we learn the message id.
  const [worker] = (await t.pg.query(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M])).rows;
  const contact = w.mocker.ContactMock.load(`demo-m${worker.id}`);
  contact.say('#上报 路灯不亮了').to(w.mocker.RoomMock.load(`demo-${M}@chatroom`));
  const [o] = await first;
  expect(o!.action).toBe('done');
  expect(await incidentCount()).toBe(before + 1);

  const again = outcomes(1);
  w.puppet.emit('message', { messageId: o!.messageId });
  const [dup] = await again;
  expect(dup).toMatchObject({ action: 'duplicate', messageId: o!.messageId });
  expect(await incidentCount()).toBe(before + 1);
  // The reply went around `say`: let it leave before the next test listens in this group.
  await until('the reply to the report sent', async () => Number((await t.pg.query(`select count(*) as n from outbox_message where status = 'pending'`)).rows[0].n) === 0, 15_000, 50);
});

it('a resident’s report is accepted as a tip and the grid’s workers are @-mentioned to check it', async () => {
  const sent = jest.spyOn(world().puppet, 'messageSendText');
  try {
    const replies = await say(t.hub, M, 'resident', '反映 楼道里堆满了纸箱，怕着火');
    expect(replies[0]).toMatch(/^已登记 E\d{8}-\d{4}【.+】，群众反映，请网格员核实/);
    const code = codeIn(replies[0]);
    const row = (await t.pg.query(`select i.reporter_id, e.actor_role from incident i join incident_event e on e.incident_id = i.id where i.code = $1`, [code])).rows[0];
    expect(row).toEqual({ reporter_id: null, actor_role: 'resident' });
    const workers = (await t.pg.query(`select 'demo-m' || m.id as contact from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker'`, [M])).rows.map((r) => r.contact);
    const call = sent.mock.calls.find((args: unknown[]) => String(args[1]).includes(code));
    expect(call).toBeDefined();
    expect([...(call![2] ?? [])].sort()).toEqual([...workers].sort());
  } finally {
    sent.mockRestore();
  }
});

it('refused acts get a short Chinese reason, and ordinary chat gets nothing', async () => {
  const code = codeIn((await say(t.hub, M, 'worker', '#上报 小区门口有流动摊贩占道经营'))[0]);
  // Dispatch belongs to the centre, not to a grid worker.
  expect(await say(t.hub, M, 'worker', `#派单 ${code} 城管`)).toEqual(['网格员不能派单 ' + code + '，请联系网格长或指挥中心']);
  // A resident may report but not close.
  expect(await say(t.hub, M, 'resident', `#办结 ${code}`)).toEqual(['请先绑定：向管理员要绑定码，发送 #绑定 绑定码']);
  // A code that does not exist, typed loosely.
  expect(await say(t.hub, M, 'worker', '#进度 e20261123-999')).toEqual(['没找到 E20261123-0999，请核对编号']);
  // Only the operator may speak as others.
  const viewer = await sayRaw(t.hub, await token('VIEWER', M), M, 'commander', '#指令 重大 测试');
  expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  // An unknown #word gets a hint; chat and near-misses get nothing.
  expect((await say(t.hub, M, 'worker', '#打卡'))[0]).toMatch(/^没看懂这个指令/);
  expect(await say(t.hub, M, 'worker', '收到快递了吗')).toEqual([]);
  // 收到 answers every notice in a group: with no open instruction it is chat; #收到 is a command and is answered.
  expect(await say(t.hub, M, 'worker', '收到！')).toEqual([]);
  expect(await say(t.hub, M, 'worker', '#收到')).toEqual(['本网格暂无待办指令']);
  expect(await say(t.hub, M, 'chief', '大家辛苦了，今天巡查到这里')).toEqual([]);
  // A step the state does not allow names the state and what is allowed.
  expect((await say(t.hub, M, 'worker', `#处置 ${code} 已劝离`))[0]).toBe(`${code} 已就地处置，事件办结`);
  expect((await say(t.hub, M, 'worker', `#处置 ${code} 再处置一次`))[0]).toMatch(new RegExp(`^${code} 当前状态：现场处置，不能现场处置`));
});

it('runs the loop from the groups: the centre dispatches, progress is visible, 不满意 sends it back, 满意 closes it', async () => {
  const code = codeIn((await say(t.hub, M, 'worker', '#上报 【设施损坏】小区东门水管爆裂，路面积水'))[0]);
  // A worker may not dispatch; the street commander may, from the street's group (accepting on the way).
  expect((await say(t.hub, M, 'worker', `#派单 ${code} 城管`))[0]).toBe(`网格员不能派单 ${code}，请联系网格长或指挥中心`);
  expect((await say(t.hub, 'XHG', 'commander', `#派单 ${code} 城管`))[0]).toMatch(new RegExp(`^${code} 已派单给城管，\\d+月\\d+日 \\d\\d:\\d\\d前办结$`));
  expect((await say(t.hub, M, 'worker', `#进度 ${code}`))[0]).toMatch(new RegExp(`^${code}【设施损坏】 已派单，\\d+月\\d+日 \\d\\d:\\d\\d前办结$`));

  // The department works it through GraphQL with an after-photo; the worker verifies.
  const dept = await departmentToken(t.hub, t.databaseUrl, 'XHG-B02-C03', '城管');
  const worker = await token('WORKER', M);
  // Each uploads the photo of their own step (a step carries only its actor's or grid's uploads).
  const resolveAndVerify = async () => {
    await gqlOk(t.hub, dept, START_INCIDENT, { code });
    await gqlOk(t.hub, dept, RESOLVE_INCIDENT, { code, note: '已更换水管', photos: [await uploadPhoto(t.hub, dept, jpegOf('after'))] });
    await gqlOk(t.hub, worker, VERIFY_INCIDENT, { code, photos: [await uploadPhoto(t.hub, worker, jpegOf('verified'))] });
  };
  await resolveAndVerify();
  // The resident's verdict, relayed by the worker in the group: not satisfied sends it back.
  expect(await say(t.hub, M, 'worker', `#不满意 ${code} 还在漏水`)).toEqual([`${code} 评价不满意，已退回重新办理`]);
  await resolveAndVerify();
  expect(await say(t.hub, M, 'worker', `#满意 ${code}`)).toEqual([`${code} 评价满意，已结案`]);
  const events = (await t.pg.query(`select e.event from incident_event e join incident i on i.id = e.incident_id where i.code = $1 order by e.id`, [code])).rows.map((r) => r.event);
  expect(events).toEqual(['report', 'accept', 'dispatch', 'start', 'resolve', 'verify', 'rate', 'start', 'resolve', 'verify', 'rate']);
});

it('#派单 tells the department’s contact directly, with the code, the place, its own deadline and how to answer', async () => {
  const sent = jest.spyOn(world().puppet, 'messageSendText');
  try {
    const code = codeIn((await say(t.hub, M, 'worker', '#上报 3栋整栋楼停电'))[0]);
    // 供电 answers within its own 24 hours (the deadline policy's department table): 10:00 the next day.
    expect((await say(t.hub, 'XHG', 'commander', `#派单 ${code} 供电`))[0]).toBe(`${code} 已派单给供电，11月24日 10:00前办结`);
    const { rows } = await t.pg.query(
      `select mc.contact_id from member_contact mc join member m on m.id = mc.member_id join department d on d.id = m.department_id join grid g on g.id = d.grid_id where g.code = 'XHG-B02-C03' and d.name = '供电'`,
    );
    const contact = rows[0].contact_id as string;
    const deadline = Date.now() + 20_000;
    const toContact = () => sent.mock.calls.find((args: unknown[]) => args[0] === contact && String(args[1]).includes(code));
    while (!toContact() && Date.now() < deadline) await settle(100);
    const text = String(toContact()?.[1]);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^【派单】${code}【.+】已派给供电$`)),
      expect.stringMatching(/^地点：.*第5微网格$/),
      '期限：11月24日 10:00前办结',
      `回复 #接单 ${code} 开始处置；#办结 ${code} 处理结果（附照片）；不属本部门请回复 #退回 ${code} 原因`,
    ]);
  } finally {
    sent.mockRestore();
  }
});

it('a report that looks like an open one is linked, and the reporter is told so', async () => {
  const first = codeIn((await say(t.hub, M, 'worker', '#上报 5栋楼顶广告牌松动，大风时摇晃'))[0]);
  const replies = await say(t.hub, 'XHG-B02-C03-M04', 'worker', '#上报 5栋楼顶广告牌松动了，刮风摇晃');
  expect(replies[0]!.split('\n')).toEqual([expect.stringMatching(/^已登记 E\d{8}-\d{4}【.+】，限 \d+ 小时内处置$/), `可能与 ${first} 重复，已关联`]);
});

it('three failed mediations in the group turn a blue dispute yellow', async () => {
  const code = codeIn((await say(t.hub, M, 'worker', '#上报 【矛盾纠纷】楼上楼下漏水纠纷'))[0]);
  expect((await t.pg.query('select dispute_colour from incident where code = $1', [code])).rows[0].dispute_colour).toBe('blue');
  expect((await say(t.hub, M, 'worker', `#调解 ${code} 失败 双方不同意赔偿`))[0]).toBe(`${code} 已记录：调解失败（第 1 次）`);
  expect((await say(t.hub, M, 'worker', `#调解 ${code} 失败`))[0]).toBe(`${code} 已记录：调解失败（第 2 次）`);
  expect((await say(t.hub, M, 'chief', `#调解 ${code} 失败 仍未达成一致`))[0]).toBe(`${code} 已记录：调解失败（第 3 次），调解三次未成，已转黄色（多部门联合化解）`);
  expect((await t.pg.query('select dispute_colour from incident where code = $1', [code])).rows[0].dispute_colour).toBe('yellow');
});

it('a photo the reporter sends within two minutes attaches to the report; later it is just chat', async () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('gridhub test photo')]);
  const code = codeIn((await say(t.hub, M, 'worker', '#上报 垃圾桶满溢'))[0]);
  // The report's message is linked to its incident: that link is how the photo finds it.
  const linked = await t.pg.query(`select i.code from inbound_message m join incident i on i.id = m.reported_incident_id where m.text = '#上报 垃圾桶满溢'`);
  expect(linked.rows).toEqual([{ code }]);
  clock.advance(60_000);
  expect(await say(t.hub, M, 'worker', null, png)).toEqual([`${code} 已附照片`]);
  const photo = (await t.pg.query(`select e.photos from incident_event e join incident i on i.id = e.incident_id where i.code = $1 and e.event = 'photo'`, [code])).rows[0];
  expect(photo.photos).toHaveLength(1);
  expect(photo.photos[0]).toMatch(/^photos\/[0-9a-f]{64}\.png$/);
  clock.advance(5 * 60_000);
  expect(await say(t.hub, M, 'worker', null, png)).toEqual([]);
});

it('binds a stranger with a one-time code and a new grid’s group with #绑定群 from its chief', async () => {
  // A member registered without WeChat gets a code from the admin and binds in any group.
  await gqlOk(t.hub, ADMIN, CREATE_GRID, { input: { code: 'XHG-B02-C03-M99', name: '新建网格', level: 'MICRO_GRID', parent: 'XHG-B02-C03' } });
  const reg = await gqlOk<Op.RegisterMemberMutation>(t.hub, ADMIN, REGISTER_MEMBER, { input: { grid: 'XHG-B02-C03-M99', name: '赵新民', role: 'CHIEF' } });
  const bind = await gqlOk<Op.IssueBindCodeMutation>(t.hub, ADMIN, ISSUE_BIND_CODE, { member: Number(reg.registerMember.id) });
  expect(bind.issueBindCode.code).toMatch(/^\d{6}$/);
  // 赵新民 is unknown to the hub until he binds; say() makes him an unbound contact in the group.
  expect(await say(t.hub, 'XHG-B02-C03-M99', '赵新民', `#绑定 ${bind.issueBindCode.code}`)).toEqual(['绑定成功：赵新民，XHG-B02-C03-M99 网格长']);
  expect(await say(t.hub, 'XHG-B02-C03-M99', '赵新民', `#绑定 ${bind.issueBindCode.code}`)).toEqual(['绑定码不对、已用过或已过期，请向管理员重新索取']);
  // The demo world made a group for the new grid but nobody bound it to the grid: the chief does.
  await t.pg.query(`update chat_group set grid_id = null, bound_at = null where room_id = 'demo-XHG-B02-C03-M99@chatroom'`);
  expect(await say(t.hub, 'XHG-B02-C03-M99', '赵新民', '#上报 井盖松动')).toEqual(['本群还没绑定网格，请网格长发送：#绑定群 网格编码']);
  // A chief binds only their own grid; another grid is outside their subtree.
  expect(await say(t.hub, 'XHG-B02-C03-M99', '赵新民', '#绑定群 XHG-B02-C03-M01')).toEqual(['没找到 XHG-B02-C03-M01，请核对编号']);
  expect(await say(t.hub, 'XHG-B02-C03-M99', '赵新民', '#绑定群 xhg-b02-c03-m99')).toEqual(['本群已绑定 XHG-B02-C03-M99 新建网格，上报、签收、日清都在本群办理']);
  expect((await say(t.hub, 'XHG-B02-C03-M99', '赵新民', '#上报 井盖松动'))[0]).toMatch(/^已登记 E\d{8}-\d{4}【/);
  // A grid with people, a group and incidents on it cannot be deleted: CONFLICT naming them, not an internal error.
  const del = await gql(t.hub, ADMIN, DELETE_GRID, { code: 'XHG-B02-C03-M99' });
  expect(del.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', members: 1, groups: 1, incidents: 1 });
});

it('bindGroup over GraphQL serves a group by the account that saw it, and asks for one when no account has', async () => {
  const room = 'demo-XHG-B02-C03-M01@chatroom';
  await gqlOk(t.hub, ADMIN, UNBIND_GROUP, { roomId: room });
  const unseen = await gql(t.hub, ADMIN, BIND_GROUP, { roomId: 'never-seen@chatroom', grid: 'XHG-B02-C03-M01' });
  expect(unseen.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(unseen.errors?.[0]?.message).toBe('the bot has not seen this group yet: give botAccount');
  expect((await gqlOk<Op.BindGroupMutation>(t.hub, ADMIN, BIND_GROUP, { roomId: room, grid: 'XHG-B02-C03-M01' })).bindGroup).toEqual({ roomId: room, botAccount: 'demo', grid: 'XHG-B02-C03-M01' });
});

it('ten thousand random Unicode strings neither crash the bot nor get a reply unless they are commands', async () => {
  const w = world();
  const [worker] = (await t.pg.query(`select m.id from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'worker' order by m.id limit 1`, [M])).rows;
  const contact = w.mocker.ContactMock.load(`demo-m${worker.id}`);
  const room = w.mocker.RoomMock.load(`demo-${M}@chatroom`);
  let seed = 20261123;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pools = [
    [0x20, 0x7e],
    [0x4e00, 0x9fff],
    [0x3000, 0x303f],
    [0xff00, 0xffef],
    [0x1f300, 0x1faff],
    [0x0, 0x1f],
    [0xd800, 0xdfff],
    [0x2000, 0x206f],
  ] as const;
  const messages = Array.from({ length: 10_000 }, (_, n) => {
    // Every tenth starts like a command, so the refusal and hint paths are fuzzed too.
    const lead = n % 10 === 0 ? ['#', '＃', '#上报 ', '#进度 E', '收到'][n % 5]! : '';
    const len = 1 + Math.floor(rand() * 60);
    let s = '';
    for (let i = 0; i < len; i++) {
      const [lo, hi] = pools[Math.floor(rand() * pools.length)]!;
      s += String.fromCodePoint(lo + Math.floor(rand() * (hi - lo + 1)));
    }
    return lead + s;
  });
  const outboxBefore = await outboxCount();
  const done = outcomes(messages.length, 240_000);
  const t0 = Date.now();
  for (const m of messages) contact.say(m).to(room);
  const seen = await done;
  const ms = Date.now() - t0;
  const failed = seen.filter((o) => o.action === 'failed' || o.action === 'retrying');
  expect(failed).toEqual([]);
  const replied = seen.filter((o) => o.reply !== null);
  // Only messages the parser read as commands get answers (random text almost never is one).
  expect(replied.every((o) => o.command !== null)).toBe(true);
  expect(seen.filter((o) => o.command === null).every((o) => o.reply === null && o.action === 'ignored')).toBe(true);
  expect((await outboxCount()) - outboxBefore).toBe(replied.length);
  process.stdout.write(`10,000 random messages through Wechaty in ${ms} ms (${Math.round(10_000_000 / ms)}/s); ${replied.length} read as commands\n`);
}, 300_000);
