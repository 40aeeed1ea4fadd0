// The broadcast to 631 groups drains before the commander's reply (one outbox per account).
jest.setTimeout(180_000);

import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { DEMO_ROOM } from '../../src/domain/demo-ids';
import { INSTRUCTION, INSTRUCTION_DELIVERY, INSTRUCTION_ISSUED, INSTRUCTION_PROGRESS, UNBIND_GROUP } from '../operations';
import { say } from '../setup/bot';
import { ADMIN, collect, gqlOk, settle, useHub } from '../setup/hub';

// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock, bots: true });

it('#指令 重大 from the street commander reaches every grid and unit; 收到 counts once; the centre watches live', async () => {
  const dash = t.ws(await t.token('VIEWER', 'XHG'));
  const issued = collect<Op.InstructionIssuedSubscription>(dash, INSTRUCTION_ISSUED);
  await settle(300);

  const [reply] = await say(t.hub, 'XHG', 'commander', '#指令 重大 返沪人员排查\n请各网格立即核查辖区内返沪人员');
  // 11 blocks + 16 communities + 151 micro-grids + 453 units.
  expect(reply).toBe('已下达 I20261122-001（Ⅱ级（重大））到 631 个网格，各网格收到后 10 分钟内签收、1 小时内反馈');
  await issued.until(1, 20_000);
  expect(issued.events[0]!.instructionIssued).toEqual({ code: 'I20261122-001', grade: 'II', title: '返沪人员排查', progress: { targets: 631, acknowledged: 0 } });

  const progress = collect<Op.InstructionProgressSubscription>(dash, INSTRUCTION_PROGRESS, { code: 'I20261122-1' });
  await progress.until(1, 20_000);

  expect(await say(t.hub, 'XHG-B03-C07-M12', 'chief', '收到！')).toEqual(['已收到 I20261122-001，请在 60 分钟内反馈结果']);
  // The grid has signed: a second member's bare 收到 is logged but not answered; #收到 is.
  expect(await say(t.hub, 'XHG-B03-C07-M12', 'worker', '收到')).toEqual([]);
  expect(await say(t.hub, 'XHG-B03-C07-M12', 'worker', '#收到')).toEqual(['I20261122-001 本网格已签收过，请在 60 分钟内反馈结果']);
  expect(await say(t.hub, 'XHG-B03-C07-M12-U01', 'chief', '#收到 i20261122-1')).toEqual(['已收到 I20261122-001，请在 60 分钟内反馈结果']);
  expect(await say(t.hub, 'XHG-B03-C07-M12', 'chief', '#反馈 I20261122-001 已排查3人，无异常')).toEqual(['已收到 I20261122-001 的反馈，本网格已完成']);
  expect(await say(t.hub, 'XHG-B03-C07-M12', 'chief', '#反馈 I20261122-001 补充：5栋1人已居家')).toEqual(['I20261122-001 本网格已反馈过，本次内容已补充记录']);
  // Residents do not answer for the grid: their 收到 is chat, a #收到 is told to bind first.
  expect(await say(t.hub, 'XHG-B03-C07-M11', 'resident', '收到')).toEqual([]);
  expect(await say(t.hub, 'XHG-B03-C07-M11', 'resident', '#收到')).toEqual(['请先绑定：向管理员要绑定码，发送 #绑定 绑定码']);

  const until = Date.now() + 20_000;
  while (Date.now() < until && progress.events[progress.events.length - 1]!.instructionProgress.progress.reported < 1) await settle(50);
  expect(progress.events[progress.events.length - 1]!.instructionProgress.progress).toEqual({ targets: 631, acknowledged: 2, reported: 1 });
  expect(await say(t.hub, 'XHG', 'commander', '#进度 I20261122-001')).toEqual(['I20261122-001 返沪人员排查：送达 631/631，签收 2/631，反馈 1/631']);

  const q = await gqlOk<Op.InstructionQuery>(t.hub, ADMIN, INSTRUCTION, { code: 'I20261122-001', receipts: 10, under: 'XHG-B03-C07-M12' });
  const m12 = q.instruction.receipts.find((r) => r.grid.code === 'XHG-B03-C07-M12')!;
  expect(m12.answers).toBe(5);
  expect(m12.acknowledgedBy).toBeTruthy();
});

it('refuses #指令 from a grid worker and explains a missing grade', async () => {
  const [r1] = await say(t.hub, 'XHG-B03-C07-M12', 'worker', '#指令 重大 测试');
  expect(r1).toMatch(/无权|不能/);
  expect(await say(t.hub, 'XHG', 'commander', '#指令 测试')).toEqual(['请写明等级，如：#指令 重大 返沪人员排查']);
});

it('tells the issuer at once which grids no channel reaches, and #进度 names them beside how many were told', async () => {
  // Two micro-grids of C07 lose their groups: nothing can reach them.
  for (const grid of ['XHG-B03-C07-M13', 'XHG-B03-C07-M14']) await gqlOk(t.hub, ADMIN, UNBIND_GROUP, { roomId: DEMO_ROOM.of(grid) });
  const [reply] = await say(t.hub, 'XHG-B03-C07', 'commander', '#指令 较大 燃气隐患排查');
  const code = reply!.match(/I\d{8}-\d{3}/)![0];
  expect(reply).toBe(`已下达 ${code}（Ⅲ级（较大））到 14 个网格，各网格收到后 30 分钟内签收、4 小时内反馈；2 个网格无法送达：怡心社区第13微网格（未绑定群）、怡心社区第14微网格（未绑定群）`);
  const d = (await gqlOk<Op.InstructionDeliveryQuery>(t.hub, ADMIN, INSTRUCTION_DELIVERY, { code, under: null })).instruction;
  expect(d.unreachableGrids.grids.map((g) => g.grid.code)).toEqual(['XHG-B03-C07-M13', 'XHG-B03-C07-M14']);
  // The broadcast has gone out to the 12 groups by the time the next message is answered.
  const until = Date.now() + 30_000;
  let progress = '';
  while (Date.now() < until && !progress.includes('送达 12/14，')) [progress = ''] = await say(t.hub, 'XHG-B03-C07', 'commander', `#进度 ${code}`);
  expect(progress).toBe(`${code} 燃气隐患排查：送达 12/14，签收 0/14，反馈 0/14\n无法送达 2 个：怡心社区第13微网格（未绑定群）、怡心社区第14微网格（未绑定群）`);
});
