// The grid worker's day from the chat (issue 13): #进度 with no code, photos before a report and
// after #处置/#办结, and WeChat location messages. Everything goes through Wechaty on the mock puppet.
jest.setTimeout(120_000);

import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { DISPATCH_INCIDENT, INCIDENT_PLACE, INCIDENT_PLACE_FIELDS, ISSUE_INSTRUCTION, REPORT_INCIDENT_AT, RESOLVE_INCIDENT, VERIFY_INCIDENT } from '../operations';
import { departmentToken } from '../factories/departments';
import { codeIn, say } from '../setup/bot';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
const t = useHub({ clock, bots: true });

describe('#进度 with no code', () => {
  const M = 'XHG-B02-C03-M05';
  // The reply to #进度 (an instruction's broadcast to the group may arrive meanwhile).
  const lines = async (grid: string, from: string) => (await say(t.hub, grid, from, '#进度')).find((r) => r.startsWith('事件'))!.split('\n');

  it('lists what waits on the sender: their own reports, reports waiting on their role, unanswered instructions and today’s 日清', async () => {
    expect(await lines(M, 'worker')).toEqual(['事件：无待办', '指令：无待反馈', '今日日清：未报，20:00前报']);

    const mine = codeIn((await say(t.hub, M, 'worker', '#上报 3栋楼道堆放杂物'))[0]);
    // Reported by the chief in the worker's grid: waits on the worker (handle on the spot or escalate).
    const chiefs = codeIn((await say(t.hub, M, 'chief', '#上报 【紧急】5栋电梯困人'))[0]);
    // Another grid's report is not theirs.
    await say(t.hub, 'XHG-B02-C03-M04', 'worker', '#上报 路灯不亮');
    // Dispatched by the centre: no longer waits on the worker's role, but it is their report.
    await gqlOk(t.hub, ADMIN, DISPATCH_INCIDENT, { code: mine, department: '城管' });
    const issued = await gqlOk<{ issueInstruction: { code: string } }>(t.hub, ADMIN, ISSUE_INSTRUCTION, {
      input: { scope: 'XHG-B02-C03', grade: 'IV', title: '燃气隐患排查，请各网格今天逐户检查', levels: ['MICRO_GRID'] },
    });
    const instruction = issued.issueInstruction.code;

    // The urgent one is due first (2 hours), so it leads.
    expect(await lines(M, 'worker')).toEqual([
      '事件 2 件：',
      expect.stringMatching(new RegExp(`^${chiefs}【.+】（紧急）已登记，12:00前办结$`)),
      expect.stringMatching(new RegExp(`^${mine}【.+】已派单，\\d+月\\d+日 \\d\\d:\\d\\d前办结$`)),
      '指令 1 条未反馈：',
      `${instruction} 燃气隐患排查，请各网格今天逐户检…，待签收`,
      '今日日清：未报，20:00前报',
    ]);

    // Signed and cleared: the lines follow; past the deadline an open incident says so.
    await say(t.hub, M, 'worker', `#收到 ${instruction}`);
    await say(t.hub, M, 'worker', '#日清 已巡查');
    clock.advance(3 * 3600_000);
    expect(await lines(M, 'worker')).toEqual([
      '事件 2 件：',
      expect.stringMatching(new RegExp(`^${chiefs}【.+】（紧急）已登记，12:00前办结，已超期$`)),
      expect.stringMatching(new RegExp(`^${mine}【`)),
      '指令 1 条未反馈：',
      expect.stringMatching(new RegExp(`^${instruction} 燃气隐患排查，请各网格今天逐户检…，待反馈，(\\d+月\\d+日 )?\\d\\d:\\d\\d前$`)),
      '今日日清：已报',
    ]);
    await say(t.hub, M, 'worker', `#反馈 ${instruction} 已检查完毕`);
    await say(t.hub, M, 'worker', `#处置 ${chiefs} 已解救`);
    expect((await lines(M, 'worker')).slice(0, 3)).toEqual(['事件 1 件：', expect.stringMatching(new RegExp(`^${mine}【`)), '指令：无待反馈']);

    // The department the report was dispatched to sees it as its work.
    const { rows } = await t.pg.query(`select m.name from member m join department d on d.id = m.department_id join grid g on g.id = d.grid_id where g.code = 'XHG-B02-C03' and d.name = '城管' order by m.id limit 1`);
    expect((await lines(M, rows[0].name))[0]).toBe('事件 1 件：');
    expect((await lines(M, rows[0].name))[1]).toMatch(new RegExp(`^${mine}【`));
    // #进度 with a code still answers for that incident.
    expect((await say(t.hub, M, 'worker', `#进度 ${mine}`))[0]).toMatch(new RegExp(`^${mine}【.+】 已派单`));
  });

  it('shows the first five of each list and counts the rest', async () => {
    const G = 'XHG-B02-C03-M06';
    for (let i = 1; i <= 7; i++) await say(t.hub, G, 'worker', `#上报 ${i}号楼垃圾桶满溢`);
    const reply = await lines(G, 'worker');
    expect(reply[0]).toBe('事件 7 件：');
    expect(reply.slice(1, 6).every((l) => /^E\d{8}-\d{4}【/.test(l))).toBe(true);
    expect(reply[6]).toBe('等 7 件');
  });

  it('a resident has no open items: they are asked to bind', async () => {
    expect(await say(t.hub, M, 'resident', '#进度')).toEqual(['请先绑定：向管理员要绑定码，发送 #绑定 绑定码']);
  });
});

/** A distinct small PNG per call (photos are stored by content). */
let photoSeq = 0;
const png = () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`worker day photo ${++photoSeq}`)]);
const timeline = async (code: string) => (await gqlOk<Op.IncidentPlaceQuery>(t.hub, ADMIN, INCIDENT_PLACE + INCIDENT_PLACE_FIELDS, { code })).incident;
const PHOTO_KEY = /^photos\/[0-9a-f]{64}\.png$/;

describe('photos sent before a report, and after-photos of #处置 and #办结', () => {
  const M = 'XHG-B02-C03-M07';

  it('a photo sent up to two minutes before the report is kept until the report takes it; one sent after attaches too', async () => {
    expect(await say(t.hub, M, 'worker', null, png())).toEqual([]);
    // Kept as a row, waiting: nothing has claimed it yet.
    const waiting = await t.pg.query(`select media_key, attached_incident_id from inbound_message where kind = 'image' and room_id = $1 order by id desc limit 1`, [`demo-${M}@chatroom`]);
    expect(waiting.rows[0].media_key).toMatch(PHOTO_KEY);
    expect(waiting.rows[0].attached_incident_id).toBeNull();

    clock.advance(100_000);
    const reply = await say(t.hub, M, 'worker', '#上报 小区东门垃圾堆放');
    expect(reply[0]!.split('\n')).toEqual([expect.stringMatching(/^已登记 E\d{8}-\d{4}【/), '已附照片 1 张']);
    const code = codeIn(reply[0]);
    clock.advance(60_000);
    expect(await say(t.hub, M, 'worker', null, png())).toEqual([`${code} 已附照片`]);

    const steps = (await timeline(code)).timeline;
    expect(steps.map((s) => s.event)).toEqual(['report', 'photo']);
    expect(steps[0]!.photos).toEqual([waiting.rows[0].media_key]);
    expect(steps[1]!.photos).toEqual([expect.stringMatching(PHOTO_KEY)]);
    const claimed = await t.pg.query(`select i.code from inbound_message m join incident i on i.id = m.attached_incident_id where m.media_key = $1`, [waiting.rows[0].media_key]);
    expect(claimed.rows).toEqual([{ code }]);
  });

  it('a photo older than two minutes, or someone else’s, is not taken by a report', async () => {
    await say(t.hub, M, 'worker', null, png());
    clock.advance(121_000);
    await say(t.hub, M, 'chief', null, png());
    const reply = await say(t.hub, M, 'worker', '#上报 3栋门口共享单车乱停');
    expect(reply[0]!.split('\n')).toHaveLength(1);
    expect((await timeline(codeIn(reply[0]))).timeline[0]!.photos).toEqual([]);
  });

  it('#处置 takes the photo sent just before it, and a photo just after attaches to that step’s incident', async () => {
    const code = codeIn((await say(t.hub, M, 'worker', '#上报 楼道灯不亮'))[0]);
    clock.advance(5 * 60_000);
    await say(t.hub, M, 'worker', null, png());
    expect(await say(t.hub, M, 'worker', `#处置 ${code} 已更换灯泡`)).toEqual([`${code} 已就地处置，事件办结\n已附照片 1 张`]);
    expect(await say(t.hub, M, 'worker', null, png())).toEqual([`${code} 已附照片`]);
    const steps = (await timeline(code)).timeline;
    expect(steps.map((s) => [s.event, s.photos.length])).toEqual([
      ['report', 0],
      ['handle', 1],
      ['photo', 1],
    ]);
  });

  it('the centre’s #办结 takes its after-photo', async () => {
    const code = codeIn((await say(t.hub, M, 'worker', '#上报 5栋门前井盖破损'))[0]);
    await gqlOk(t.hub, ADMIN, DISPATCH_INCIDENT, { code, department: '城管' });
    const dept = await departmentToken(t.hub, t.databaseUrl, 'XHG-B02-C03', '城管');
    const upload = async (token: string) =>
      ((await (await fetch(t.hub.url.replace('/graphql', '/photos'), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: png() })).json()) as { key: string }).key;
    await gqlOk(t.hub, dept, RESOLVE_INCIDENT, { code, note: '已更换井盖', photos: [await upload(dept)] });
    await gqlOk(t.hub, ADMIN, VERIFY_INCIDENT, { code, photos: [await upload(ADMIN)] });
    clock.advance(5 * 60_000);
    expect(await say(t.hub, 'XHG', 'commander', `#办结 ${code}`)).toEqual([`${code} 已结案`]);
    expect(await say(t.hub, 'XHG', 'commander', null, png())).toEqual([`${code} 已附照片`]);
    const steps = (await timeline(code)).timeline;
    expect(steps.slice(-2).map((s) => [s.event, s.photos.length])).toEqual([
      ['close', 0],
      ['photo', 1],
    ]);
  });
});

describe('WeChat location messages', () => {
  const M = 'XHG-B02-C03-M08';
  const here = { name: '桂花堰社区服务中心', address: '双流区西航港街道桂花堰路88号', latitude: 30.5612, longitude: 104.0213 };

  it('a location sent just after a report becomes the incident’s place, with coordinates, on the timeline', async () => {
    const replies = await say(t.hub, M, 'worker', '#上报 路边消防栓漏水', null, here);
    const code = codeIn(replies[0]);
    expect(replies[1]).toBe(`${code} 已记录位置：桂花堰社区服务中心`);
    const incident = await timeline(code);
    expect(incident.location).toBe('桂花堰社区服务中心');
    expect(incident.place).toEqual(here);
    expect(incident.timeline.map((s) => s.event)).toEqual(['report', 'locate']);
    expect(incident.timeline[1]!.note).toBe('桂花堰社区服务中心 双流区西航港街道桂花堰路88号 @30.5612,104.0213');
  });

  it('a location sent up to two minutes before the report is kept and taken by it, with a photo', async () => {
    expect(await say(t.hub, M, 'resident', null, png(), { ...here, name: null, latitude: 30.5, longitude: 104.01 })).toEqual([]);
    clock.advance(90_000);
    const replies = await say(t.hub, M, 'resident', '反映 小区门口下水道堵了，污水漫到路上');
    expect(replies[0]!.split('\n')[1]).toBe('已附照片 1 张，位置：双流区西航港街道桂花堰路88号');
    const incident = await timeline(codeIn(replies[0]));
    // Without a name, the address is what the place is called.
    expect(incident.place).toEqual({ name: here.address, address: here.address, latitude: 30.5, longitude: 104.01 });
    expect(incident.location).toBe(here.address);
    expect(incident.timeline.map((s) => [s.event, s.photos.length])).toEqual([
      ['report', 1],
      ['locate', 0],
    ]);
  });

  it('a location long after any report is chat; a report without one has no place', async () => {
    const code = codeIn((await say(t.hub, M, 'worker', '#上报 绿化带有人焚烧垃圾'))[0]);
    clock.advance(3 * 60_000);
    expect(await say(t.hub, M, 'worker', null, null, here)).toEqual([]);
    expect((await timeline(code)).place).toBeNull();
  });

  it('reportIncident takes a place over GraphQL; coordinates out of range are refused', async () => {
    const r = await gqlOk<Op.ReportIncidentAtMutation>(t.hub, ADMIN, REPORT_INCIDENT_AT + INCIDENT_PLACE_FIELDS, { input: { grid: M, description: '井盖缺失', place: { latitude: 30.56, longitude: 104.02, name: '8栋' } } });
    expect(r.reportIncident).toMatchObject({ location: '8栋', place: { name: '8栋', address: null, latitude: 30.56, longitude: 104.02 } });
    const bad = await gql(t.hub, ADMIN, REPORT_INCIDENT_AT + INCIDENT_PLACE_FIELDS, { input: { grid: M, description: '井盖缺失', place: { latitude: 130, longitude: 104 } } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'BAD_COORDINATES' });
  });
});
