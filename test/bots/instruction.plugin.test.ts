import type { Hub } from '../../src/main';
import { ManualClock } from '../../src/infra/clock';
import { say } from '../setup/bot';
import { ADMIN, collect, gqlOk, settle, startTestHub, testDatabase, wsClient, tokenFor } from '../setup/hub';

let hub: Hub;
let db: Awaited<ReturnType<typeof testDatabase>>;
// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const clients: Array<{ dispose(): void | Promise<void> }> = [];

beforeAll(async () => {
  db = await testDatabase('demo');
  hub = await startTestHub({ databaseUrl: db.url, clock, bots: true });
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await hub?.stop();
  await db?.drop();
});

const token = (role: string, grid: string) => tokenFor(hub, role, grid);

it('#指令 重大 from the street commander reaches every grid and unit; 收到 counts once; the centre watches live', async () => {
  const dash = wsClient(hub, await token('VIEWER', 'XHG'));
  clients.push(dash);
  const issued = collect<{ instructionIssued: { code: string; grade: string; progress: { targets: number } } }>(dash, 'subscription { instructionIssued { code grade progress { targets } } }');
  await settle(300);

  const [reply] = await say(hub, 'XHG', 'commander', '#指令 重大 返沪人员排查\n请各网格立即核查辖区内返沪人员');
  // 11 blocks + 16 communities + 151 micro-grids + 453 units.
  expect(reply).toBe('已下达 I20261122-001（Ⅱ级（重大））到 631 个网格，10:10 前签收，11:00 前反馈');
  await issued.until(1, 20_000);
  expect(issued.events[0]!.instructionIssued).toEqual({ code: 'I20261122-001', grade: 'II', progress: { targets: 631 } });

  const progress = collect<{ instructionProgress: { progress: { acknowledged: number; reported: number } } }>(dash, 'subscription { instructionProgress(code: "I20261122-1") { progress { acknowledged reported } } }');
  await progress.until(1, 20_000);

  expect(await say(hub, 'XHG-B03-C07-M12', 'chief', '收到！')).toEqual(['已收到 I20261122-001，请在 60 分钟内反馈结果']);
  // The grid has signed: a second member's bare 收到 is logged but not answered; #收到 is.
  expect(await say(hub, 'XHG-B03-C07-M12', 'worker', '收到')).toEqual([]);
  expect(await say(hub, 'XHG-B03-C07-M12', 'worker', '#收到')).toEqual(['I20261122-001 本网格已签收过，请在 60 分钟内反馈结果']);
  expect(await say(hub, 'XHG-B03-C07-M12-U01', 'chief', '#收到 i20261122-1')).toEqual(['已收到 I20261122-001，请在 60 分钟内反馈结果']);
  expect(await say(hub, 'XHG-B03-C07-M12', 'chief', '#反馈 I20261122-001 已排查3人，无异常')).toEqual(['已收到 I20261122-001 的反馈，本网格已完成']);
  expect(await say(hub, 'XHG-B03-C07-M12', 'chief', '#反馈 I20261122-001 补充：5栋1人已居家')).toEqual(['I20261122-001 本网格已反馈过，本次内容已补充记录']);
  // Residents do not answer for the grid: their 收到 is chat, a #收到 is told to bind first.
  expect(await say(hub, 'XHG-B03-C07-M11', 'resident', '收到')).toEqual([]);
  expect(await say(hub, 'XHG-B03-C07-M11', 'resident', '#收到')).toEqual(['请先绑定：向管理员要绑定码，发送 #绑定 绑定码']);

  const until = Date.now() + 20_000;
  while (Date.now() < until && progress.events[progress.events.length - 1]!.instructionProgress.progress.reported < 1) await settle(50);
  expect(progress.events[progress.events.length - 1]!.instructionProgress.progress).toEqual({ acknowledged: 2, reported: 1 });
  expect(await say(hub, 'XHG', 'commander', '#进度 I20261122-001')).toEqual(['I20261122-001 返沪人员排查：签收 2/631，反馈 1/631']);

  const q = await gqlOk<{ instruction: { receipts: Array<{ grid: { code: string }; acknowledgedBy: string | null; answers: number }> } }>(
    hub,
    ADMIN,
    '{ instruction(code: "I20261122-001") { receipts(first: 10, under: "XHG-B03-C07-M12") { grid { code } acknowledgedBy answers } } }',
  );
  const m12 = q.instruction.receipts.find((r) => r.grid.code === 'XHG-B03-C07-M12')!;
  expect(m12.answers).toBe(5);
  expect(m12.acknowledgedBy).toBeTruthy();
});

it('refuses #指令 from a grid worker and explains a missing grade', async () => {
  const [r1] = await say(hub, 'XHG-B03-C07-M12', 'worker', '#指令 重大 测试');
  expect(r1).toMatch(/无权|不能/);
  expect(await say(hub, 'XHG', 'commander', '#指令 测试')).toEqual(['请写明等级，如：#指令 重大 返沪人员排查']);
});
