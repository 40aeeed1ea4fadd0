import type { InboxOutcome } from '../../src/bots/inbox';
import type { SentEvent } from '../../src/bots/outbox-worker';
import { OPERATOR } from '../../src/domain/actor';
import { DEMO_ACCOUNT, DEMO_BOT_CONTACT_ID } from '../../src/domain/demo-ids';
import { ManualClock } from '../../src/infra/clock';
import { departmentEscalationJob } from '../../src/jobs/department-escalation.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { BIND_DEPARTMENT_GROUP, INCIDENT_DEPARTMENTS, SET_DEPARTMENT_HEAD, STATS, VERIFY_INCIDENT } from '../operations';
import { uploadPhoto } from '../factories/photos';
import { codeIn, say } from '../setup/bot';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
const t = useHub({ clock, bots: true });
const B = 'XHG-B02-C03';
const M = 'XHG-B02-C03-M05';

const world = () => t.hub.bots!.demo!;
const worker = () => t.hub.bots!.worker(DEMO_ACCOUNT)!;

/** The demo city's contact of department `name` at community B (each is bound to WeChat). */
async function departmentContact(name: string): Promise<{ memberId: number; contactId: string; memberName: string }> {
  const { rows } = await t.pg.query(
    `select m.id, m.name, mc.contact_id from member m join member_contact mc on mc.member_id = m.id join department d on d.id = m.department_id join grid g on g.id = d.grid_id
      where g.code = $1 and d.name = $2 order by m.id limit 1`,
    [B, name],
  );
  return { memberId: rows[0].id, contactId: rows[0].contact_id, memberName: rows[0].name };
}

/** Resolves with the first message the bot sends that `match` accepts; `cancel` stops waiting. */
function watchSent(match: (e: SentEvent) => boolean, ms = 60_000): { sent: Promise<SentEvent>; cancel(): void } {
  let cancel = () => {};
  const sent = new Promise<SentEvent>((resolve, reject) => {
    const on = (e: SentEvent) => {
      if (!match(e)) return;
      cancel();
      resolve(e);
    };
    const timer = setTimeout(() => {
      cancel();
      reject(new Error('the bot sent no such message in time'));
    }, ms);
    cancel = () => {
      clearTimeout(timer);
      worker().off('sent', on);
    };
    worker().on('sent', on);
    worker().kick();
  });
  return { sent, cancel };
}

const nextSent = (match: (e: SentEvent) => boolean): Promise<SentEvent> => watchSent(match).sent;

/**
 * `contactId` says `text` through Wechaty on the mock puppet, to the bot directly (no room) or
 * in the mock room `roomId`; resolves with the bot's reply there once it was sent (or [] when
 * the bot stayed silent).
 */
async function speak(contactId: string, text: string, roomId: string | null = null): Promise<string[]> {
  const inbox = t.hub.bots!.inbox;
  const conversation = roomId ?? contactId;
  const processed = new Promise<InboxOutcome>((resolve) => {
    const on = (o: InboxOutcome) => {
      if (o.roomId !== conversation || o.senderId !== contactId) return;
      inbox.off('processed', on);
      resolve(o);
    };
    inbox.on('processed', on);
  });
  const { mocker } = world();
  const to = roomId ? mocker.RoomMock.load(roomId) : mocker.ContactMock.load(DEMO_BOT_CONTACT_ID);
  // Only the reply's own message (its dedupe key), not a notice sent to the same chat meanwhile.
  let replyKey: string | null = null;
  const early: SentEvent[] = [];
  const reply = watchSent((e) => e.roomId === conversation && (replyKey === null ? (early.push(e), false) : e.dedupeKey === replyKey));
  mocker.ContactMock.load(contactId).say(text).to(to);
  const outcome = await processed;
  replyKey = outcome.replyKey;
  const already = early.find((e) => e.dedupeKey === replyKey);
  if (!replyKey || already) {
    reply.cancel();
    return already ? [already.text] : [];
  }
  return [(await reply.sent).text];
}

const dm = (contactId: string, text: string) => speak(contactId, text);

async function reportAndDispatch(description: string, to = '城管', grid = M): Promise<string> {
  const code = codeIn((await say(t.hub, grid, 'worker', `#上报 ${description}`))[0]);
  await say(t.hub, 'XHG', 'commander', `#派单 ${code} ${to}`);
  return code;
}

const incident = async (code: string) => (await gqlOk<Op.IncidentDepartmentsQuery>(t.hub, ADMIN, INCIDENT_DEPARTMENTS, { code })).incident;

it('#接单, #退回 and #办结 in a direct message to the bot take the department’s steps, and only its own', async () => {
  const cg = await departmentContact('城管');
  const civil = await departmentContact('民政');
  const code = await reportAndDispatch('小区门口垃圾堆积，无人清运');
  expect(await dm(civil.contactId, `#接单 ${code}`)).toEqual([`${code} 已派给城管，只有该部门可以开始处置`]);
  expect(await dm(cg.contactId, `#接单 ${code}`)).toEqual([`${code} 城管已接单，开始处置`]);
  expect((await incident(code)).status).toBe('IN_PROGRESS');
  expect(await dm(cg.contactId, `#办结 ${code}`)).toEqual(['格式不对，请按：#办结 事件编号 说明']);
  expect(await dm(cg.contactId, `#办结 ${code} 已清运完毕`)).toEqual([`${code} 城管已办结，待网格员核查`]);
  const done = await incident(code);
  expect(done.status).toBe('RESOLVED');
  expect(done.timeline.filter((e) => e.event === 'resolve').map((e) => e.note)).toEqual(['已清运完毕']);

  const other = await reportAndDispatch('人行道被商铺占用摆摊');
  expect(await dm(cg.contactId, `#退回 ${other} 属于市场监管`)).toEqual([`${other} 城管已退回，已回到指挥中心重新派单`]);
  const back = await incident(other);
  expect(back.status).toBe('RETURNED');
  expect(back.timeline.find((e) => e.event === 'return')?.note).toBe('属于市场监管');
  // A grid's command is refused away from a grid's group; chat is left alone.
  expect(await dm(cg.contactId, '#上报 路灯坏了')).toEqual(['请在所属网格群里发送；这里可发：#接单、#退回、#办结、#进度、#满意/#不满意']);
  expect(await dm(cg.contactId, '好的，明天去看')).toEqual([]);
});

it('a department’s group, bound by its member with #绑定群, gets its dispatch notices and takes its steps', async () => {
  const cg = await departmentContact('城管');
  const roomId = 'dept-chengguan@chatroom';
  world().mocker.createRoom({ id: roomId, topic: '城管执法中队群', memberIdList: [world().puppet.currentUserId, cg.contactId] });
  expect(await speak(cg.contactId, '#绑定群', roomId)).toEqual(['本群已绑定为城管部门群，派单通知发到本群，可在本群 #接单、#退回、#办结']);

  const notice = nextSent((e) => e.roomId === roomId && e.text.startsWith('【派单】'));
  const code = await reportAndDispatch('路边违规搭建彩钢棚');
  expect((await notice).text).toContain(code);
  // The notice went to the group only, not to each contact directly.
  const { rows } = await t.pg.query(`select room_id, mention_member_ids from outbox_message where ref = $1 and kind = 'dispatch'`, [code]);
  expect(rows).toEqual([{ room_id: roomId, mention_member_ids: expect.arrayContaining([cg.memberId]) }]);

  expect(await speak(cg.contactId, `#接单 ${code}`, roomId)).toEqual([`${code} 城管已接单，开始处置`]);
  expect(await speak(cg.contactId, '#零报告', roomId)).toEqual(['请在所属网格群里发送；这里可发：#接单、#退回、#办结、#进度、#满意/#不满意']);
  // A group has one grid or one department.
  const taken = await gql(t.hub, ADMIN, BIND_DEPARTMENT_GROUP, { roomId, grid: B, department: '供电', botAccount: null });
  expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'GROUP_BOUND_ELSEWHERE' });
});

it('a joint dispatch from the chat: the co-department reports its part directly, and the lead’s #办结 waits for it', async () => {
  const cg = await departmentContact('城管');
  const civil = await departmentContact('民政');
  const code = codeIn((await say(t.hub, M, 'worker', '#上报 【矛盾纠纷】邻里因违建阳台阻挡采光发生纠纷'))[0]);
  const coNotice = nextSent((e) => e.roomId === civil.contactId && e.text.startsWith('【协办】') && e.text.includes(code));
  expect((await say(t.hub, 'XHG', 'commander', `#派单 ${code} 城管 协办 民政`))[0]).toMatch(new RegExp(`^${code} 已派单给城管（牵头），民政协办，\\d+月\\d+日 \\d\\d:\\d\\d前办结$`));
  expect((await coNotice).text.split('\n')[0]).toMatch(/由城管牵头，民政协办$/);

  expect(await speak(cg.contactId, `#办结 ${code} 已拆除违建`, 'dept-chengguan@chatroom')).toEqual([`${code} 联合处置中，民政尚未办结，请协办部门办结后再办结`]);
  expect(await dm(civil.contactId, `#办结 ${code} 已上门调解`)).toEqual([`${code} 民政协办部分已办结，待牵头部门办结`]);
  expect(await speak(cg.contactId, `#办结 ${code} 已拆除违建`, 'dept-chengguan@chatroom')).toEqual([`${code} 城管已办结，待网格员核查`]);
  expect((await incident(code)).departments.map((d) => [d.name, d.status])).toEqual([
    ['城管', 'RESOLVED'],
    ['民政', 'RESOLVED'],
  ]);
});

describe('拍拍板: the resident who reported gives the verdict', () => {
  const G = 'XHG-B02-C03-M06';
  const roomOf = (grid: string) => `demo-${grid}@chatroom`;

  /** The worker's after-photo, uploaded with the token that then verifies (photos are the uploader's). */
  const verifyWithPhoto = async (code: string) => {
    const worker = await t.token('WORKER', G);
    await gqlOk(t.hub, worker, VERIFY_INCIDENT, { code, photos: [await uploadPhoto(t.hub, worker)], note: null });
  };
  const satisfaction = async () => {
    const day = 86_400_000;
    const from = new Date(clock.now().getTime() - day).toISOString();
    const to = new Date(clock.now().getTime() + day).toISOString();
    return (await gqlOk<Op.StatsQuery>(t.hub, ADMIN, STATS, { scope: G, from, to })).stats.satisfactionRate;
  };

  it('is asked in the group once the revisit confirms the resolution; 不满意 sends it back as a reopen, 满意 in a quote-reply closes it, and both count', async () => {
    const cg = await departmentContact('城管');
    const code = codeIn((await say(t.hub, G, 'resident', '反映 3栋楼道灯坏了好几天，晚上很黑'))[0]);
    await say(t.hub, 'XHG', 'commander', `#派单 ${code} 城管`);
    const fixAndRevisit = async () => {
      expect(await dm(cg.contactId, `#办结 ${code} 已更换灯泡`)).toEqual([`${code} 城管已办结，待网格员核查`]);
      const asked = nextSent((e) => e.roomId === roomOf(G) && e.text.includes('请评价'));
      await verifyWithPhoto(code);
      return (await asked).text;
    };
    const question = await fixAndRevisit();
    expect(question).toMatch(new RegExp(`^@居民.+ 您反映的 ${code} 已处置完毕，请评价：回复 #满意 ${code}，或 #不满意 ${code} 原因`));
    expect((await incident(code)).timeline.filter((e) => e.event === 'verdict_asked')).toHaveLength(1);

    // Someone else in the group may not judge it.
    expect(await say(t.hub, G, '王大妈', `#满意 ${code}`)).toEqual([`${code} 不是您反映的，由反映人评价`]);
    expect(await say(t.hub, G, 'resident', `#不满意 ${code} 楼道灯还是不亮`)).toEqual([`${code} 评价不满意，已退回重新办理`]);
    expect((await incident(code)).status).toBe('DISPATCHED');
    expect(await satisfaction()).toBe(0);

    const again = await fixAndRevisit();
    expect(await say(t.hub, G, 'resident', `「网格助手：${again}」\n- - - - - - - - - - - - - - -\n满意`)).toEqual([`${code} 评价满意，已结案`]);
    expect(await satisfaction()).toBe(1);
    const done = await incident(code);
    expect(done).toMatchObject({ status: 'CLOSED', satisfied: true });
    // The unsatisfied verdict went back like a reopen; both verdicts are kept with the resident's contact.
    expect(done.timeline.filter((e) => e.event === 'rate').map((e) => e.actorRole)).toEqual(['resident', 'resident']);
    const { rows } = await t.pg.query(`select v.satisfied, v.contact_id, v.member_id, v.note from incident_verdict v join incident i on i.id = v.incident_id where i.code = $1 order by v.id`, [code]);
    const [gridRow] = (await t.pg.query(`select id from grid where code = $1`, [G])).rows;
    expect(rows).toEqual([
      { satisfied: false, contact_id: `demo-r${gridRow.id}`, member_id: null, note: '楼道灯还是不亮' },
      { satisfied: true, contact_id: `demo-r${gridRow.id}`, member_id: null, note: null },
    ]);
  });

  it('a resident may answer the bot directly without a code: the incident awaiting their verdict', async () => {
    const cg = await departmentContact('城管');
    const [gridRow] = (await t.pg.query(`select id from grid where code = $1`, [G])).rows;
    const resident = `demo-r${gridRow.id}`;
    const code = codeIn((await say(t.hub, G, 'resident', '反映 小区东门井盖松动，踩上去会响'))[0]);
    expect(await dm(resident, '#满意')).toEqual(['您反映的事件暂无待评价的，请按：#满意 事件编号 / #不满意 事件编号 原因']);
    await say(t.hub, 'XHG', 'commander', `#派单 ${code} 城管`);
    await dm(cg.contactId, `#办结 ${code} 已加固井盖`);
    const asked = nextSent((e) => e.roomId === roomOf(G) && e.text.includes(code) && e.text.includes('请评价'));
    await verifyWithPhoto(code);
    await asked;
    expect(await dm(resident, '#满意 处理很快')).toEqual([`${code} 评价满意，已结案`]);
    const { rows } = await t.pg.query(`select v.satisfied, v.contact_id, v.note from incident_verdict v join incident i on i.id = v.incident_id where i.code = $1`, [code]);
    expect(rows).toEqual([{ satisfied: true, contact_id: resident, note: '处理很快' }]);
  });
});

it('overdue department work reaches the department’s head through the bot, once per lapse, on the timeline', async () => {
  const cg = await departmentContact('城管');
  const civil = await departmentContact('民政');
  await gqlOk(t.hub, ADMIN, SET_DEPARTMENT_HEAD, { grid: B, department: '民政', member: civil.memberId });
  const code = codeIn((await say(t.hub, M, 'worker', '#上报 【矛盾纠纷】两户因共用通道堆物发生争执'))[0]);
  await say(t.hub, 'XHG', 'commander', `#派单 ${code} 供电 协办 民政`);
  const run = async () => (await departmentEscalationJob.run(createScope(t.hub.deps, OPERATOR), clock.now())).filter((r) => r.code === code);
  expect(await run()).toEqual([]);

  clock.advance(8 * 86_400_000);
  const told = nextSent((e) => e.roomId === civil.contactId && e.text.startsWith('【逾期督办】') && e.text.includes(code));
  // 民政 has a head; 供电 has none, and the grid ladder above takes its lapse.
  expect(await run()).toEqual([{ code, department: '民政', head: civil.memberName, part: true }]);
  expect((await told).text).toMatch(new RegExp(`^【逾期督办】${civil.memberName}：${code}【矛盾纠纷】派给民政协办，期限.+已过，尚未办结，请督促处理$`));
  expect(await run()).toEqual([]);
  const timeline = (await incident(code)).timeline.filter((e) => e.event === 'escalate_head');
  expect(timeline).toEqual([{ event: 'escalate_head', actorRole: 'system', note: `逾期，已告知民政负责人${civil.memberName}` }]);
  // The head of a department with a group is told there, by mention.
  await gqlOk(t.hub, ADMIN, SET_DEPARTMENT_HEAD, { grid: B, department: '城管', member: cg.memberId });
  const late = codeIn((await say(t.hub, M, 'worker', '#上报 广告牌歪斜有坠落危险'))[0]);
  await say(t.hub, 'XHG', 'commander', `#派单 ${late} 城管`);
  clock.advance(8 * 86_400_000);
  const inGroup = nextSent((e) => e.roomId === 'dept-chengguan@chatroom' && e.text.includes(late) && e.text.startsWith('【逾期督办】'));
  const results = await departmentEscalationJob.run(createScope(t.hub.deps, OPERATOR), clock.now());
  expect(results.filter((r) => r.code === late)).toEqual([{ code: late, department: '城管', head: cg.memberName, part: false }]);
  expect((await inGroup).text).toContain(`${cg.memberName}：${late}`);
});
