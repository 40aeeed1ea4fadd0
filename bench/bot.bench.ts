import { performance } from 'node:perf_hooks';
import { WechatyBuilder } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { sendVia } from '../src/bots/bot-runtime';
import { OutboxWorker } from '../src/bots/outbox-worker';
import { describeParsed, parseMessage } from '../src/domain/chat/index';
import { DEMO_POLICY, REAL_ACCOUNT_POLICY } from '../src/domain/outbox-policy';
import { OutboxRepository } from '../src/repositories/outbox.repository';
import { benchCore, withBenchDatabase } from './incidents.bench';

const GROUPS = 1000;

/**
 * The outbox drained to 1,000 mock groups through Wechaty (claim, send, mark sent, one
 * transaction per message) beside the same 1,000 `room.say` calls with no outbox, unpaced.
 */
export async function outboxBench(serverUrl: string): Promise<void> {
  await withBenchDatabase(serverUrl, 'outbox', 4, async ({ url, orm }) => {
    const mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker });
    const bot = WechatyBuilder.build({ name: 'gridhub-bench', puppet });
    await bot.start();
    const me = mocker.createContact({ id: 'bench-bot', name: '网格助手' });
    mocker.login(me);
    puppet.emit('ready', { data: 'ready' });
    await bot.ready();
    const core = await benchCore(url, 4);
    const rooms = Array.from({ length: GROUPS }, (_, i) => mocker.createRoom({ id: `bench-${i}@chatroom`, topic: `网格${i}`, memberIdList: [me.id] }).id);
    try {
      const send = sendVia(bot);
      let t = performance.now();
      for (const r of rooms) await send(r, '请各网格 20:00 前完成日清', []);
      const bareMs = performance.now() - t;

      await new OutboxRepository(orm.em.fork()).enqueueForRooms(
        rooms.map((roomId, i) => ({ botAccount: 'bench', roomId, text: '请各网格 20:00 前完成日清', dedupeKey: `bench:${i}`, kind: 'rollcall', priority: 4 })),
        new Date(),
      );
      const worker = new OutboxWorker(core.deps, 'bench', send, { ...DEMO_POLICY, intervalMs: 0 });
      t = performance.now();
      const sent = await worker.drain();
      const outboxMs = performance.now() - t;
      if (sent !== GROUPS) throw new Error(`drained ${sent} of ${GROUPS}`);
      const rate = (GROUPS * 1000) / outboxMs;
      const bare = (GROUPS * 1000) / bareMs;
      console.log(
        `outbox to ${GROUPS} mock groups: ${rate.toFixed(0)} messages/s unpaced (${outboxMs.toFixed(0)} ms), baseline bare room.say ${bare.toFixed(0)}/s, ratio ${(rate / bare).toFixed(2)}×; ` +
          `at the default real-account pace (${REAL_ACCOUNT_POLICY.intervalMs} ms) one account needs ${((GROUPS * REAL_ACCOUNT_POLICY.intervalMs) / 60_000).toFixed(0)} min for ${GROUPS} groups`,
      );
    } finally {
      await bot.stop();
      await core.stop();
    }
  });
}

/** Chat messages as grid workers write them, for the parser's speed. */
const SAMPLES = [
  '#上报 3栋下水道篦子破损，有行人绊倒风险',
  '上报：【紧急】2单元楼道电线冒烟',
  '收到！',
  '「张主任：【II级】I20261122-003 请立即排查辖区返乡人员」\n- - - - - - - - - - - - - - -\n收到',
  '#反馈 I20261122-003 已排查33人，无异常',
  '#日清 今日巡查3次，无新增事件',
  '#零报告',
  '#处置 E20261122-0012 已清理',
  '#调解 E20261122-0012 失败 双方不同意',
  '#不满意 E20261122-0012 还在漏水',
  '@王网格员\u2005#进度 e20261122-12',
  '大家辛苦了，今天巡查到这里',
  '收到快递了吗',
  '明天上午九点在社区开会，请准时参加',
  '＃指令　重大　请各网格立即排查燃气管道隐患',
  '反映 小区门口有流动摊贩占道经营',
];

/** `parseMessage` over realistic chat, beside the least any reader does: one regex test per message. */
export function parserBench(): void {
  const n = 200_000;
  const msgs = Array.from({ length: n }, (_, i) => SAMPLES[i % SAMPLES.length]!);
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += describeParsed(parseMessage(msgs[i]!)).text.length; // warm-up
  let t = performance.now();
  for (const m of msgs) sink += describeParsed(parseMessage(m)).text.length;
  const parseMs = performance.now() - t;
  const lead = /^\s*(?:@\S+\s+)*[#＃]/;
  t = performance.now();
  for (const m of msgs) sink += lead.test(m) ? 1 : 0;
  const regexMs = performance.now() - t;
  const rate = (n * 1000) / parseMs;
  console.log(`chat parser: ${rate.toFixed(0)} messages/s over ${SAMPLES.length} realistic forms; baseline one regex test ${((n * 1000) / regexMs).toFixed(0)}/s, ratio ${(parseMs / regexMs).toFixed(1)}× the baseline's time (${sink > 0 ? 'ok' : ''})`);
}
