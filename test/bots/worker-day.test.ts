// The grid worker's day from the chat (issue 13): #进度 with no code, photos before a report and
// after #处置/#办结, and WeChat location messages. Everything goes through Wechaty on the mock puppet.
jest.setTimeout(120_000);

import { ManualClock } from '../../src/infra/clock';
import { DISPATCH_INCIDENT, ISSUE_INSTRUCTION } from '../operations';
import { codeIn, say } from '../setup/bot';
import { ADMIN, gqlOk, useHub } from '../setup/hub';

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
