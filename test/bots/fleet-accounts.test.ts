import { ChannelWorker } from '../../src/channels/channel-worker';
import { ManualClock } from '../../src/infra/clock';
import { channelsOf } from '../../src/services/channel.service';
import type * as Op from '../generated/operations';
import { C07_MICRO_GRIDS } from '../factories/chat-groups';
import { INSTRUCTION_DELIVERY, ISSUE_INSTRUCTION, OUTBOX_ROUTING, SET_GRID_WECOM_WEBHOOK } from '../operations';
import { gqlOk, until, useHub } from '../setup/hub';
import { startWecomServer } from '../setup/wecom-server';

// Two demo accounts in every demo group (issue 11): what happens to a group's messages when
// WeChat logs one account out, and when it logs out every account a group has.
// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
const t = useHub({ clock, bots: true, instances: 0 });
let wecom: Awaited<ReturnType<typeof startWecomServer>>;
const UNDELIVERABLE_AFTER_MS = 10 * 60_000;

beforeAll(async () => {
  wecom = await startWecomServer(() => clock.now().getTime());
  t.cleanup(() => wecom.close());
  await t.start({
    bots: true,
    env: { BOT_ACCOUNTS: '2', BOT_UNDELIVERABLE_AFTER_MS: String(UNDELIVERABLE_AFTER_MS), WECOM_WEBHOOK_URL: wecom.base, CHANNEL_SECRET_KEY: 'channel-secret-for-tests-0123456789' },
  });
  await until('both accounts logged in', async () => t.hub.bots!.status().filter((a) => a.state === 'logged_in').length === 2);
});

const commander = () => t.token('COMMANDER', 'XHG');
const issue = async (input: Op.IssueInstructionInput) => (await gqlOk<Op.IssueInstructionMutation>(t.hub, await commander(), ISSUE_INSTRUCTION, { input })).issueInstruction;
const delivery = async (code: string) => (await gqlOk<Op.InstructionDeliveryQuery>(t.hub, await commander(), INSTRUCTION_DELIVERY, { code, under: null })).instruction;
const routing = async (ref: string) => (await gqlOk<Op.OutboxRoutingQuery>(t.hub, await commander(), OUTBOX_ROUTING, { ref, first: 100 })).outboxMessages;
/** Drains the accounts' workers, the logged-out ones first (so they would take the messages if they could). */
const drainAll = async () => {
  const accounts = t.hub.bots!.status().sort((a, b) => Number(a.state === 'logged_in') - Number(b.state === 'logged_in'));
  for (const account of accounts) await t.hub.bots!.worker(account.name)!.drain();
};
const logOut = async (name: string) => {
  await t.hub.bots!.demo!.puppetOf(name)!.logout();
  await until(`${name} logged out`, async () => t.hub.bots!.status().find((a) => a.name === name)!.state === 'logged_out');
};

it('an account WeChat logged out takes no more messages: the other account in its groups sends them all, each once and at the first attempt', async () => {
  await logOut('demo2');
  const { code } = await issue({ scope: 'XHG-B03-C07', grade: 'II', title: '防汛巡查', levels: ['MICRO_GRID'] });
  await drainAll();
  const sent = await routing(code);
  expect(sent).toHaveLength(14);
  expect(sent.map((m) => [m.status, m.account, m.lane])).toEqual(Array(14).fill(['sent', 'demo', 'urgent']));
  const attempts = await t.pg.query<{ attempts: number }>(`select attempts from outbox_message where ref = $1`, [code]);
  expect(attempts.rows.map((r) => r.attempts)).toEqual(Array(14).fill(1));
  expect((await delivery(code)).progress).toMatchObject({ targets: 14, delivered: 14, delivering: 0, unreachable: 0 });
});

it('with every account of a group logged out its messages wait, #进度 says how many grids are still being told, then they become undeliverable and go to the WeCom robot', async () => {
  const M1 = C07_MICRO_GRIDS[0]!;
  await gqlOk(t.hub, await commander(), SET_GRID_WECOM_WEBHOOK, { grid: M1, url: wecom.robot('key-fleet-m01-aaaa-1111') });
  await logOut('demo');
  const { code } = await issue({ scope: 'XHG-B03-C07', grade: 'II', title: '台风转移', levels: ['MICRO_GRID'] });
  await drainAll();
  expect((await routing(code)).map((m) => m.status)).toEqual(Array(14).fill('pending'));
  expect((await delivery(code)).progress).toMatchObject({ targets: 14, delivered: 0, delivering: 14, unreachable: 0 });

  // The commander asks in the street's group: the reply counts the grids still being told.
  const boss = await t.pg.query<{ id: number }>(`select m.id from member m join grid g on g.id = m.grid_id where g.code = 'XHG' and m.role = 'commander' order by m.id limit 1`);
  const asked = await t.hub.bots!.inbox.receive({
    botAccount: 'demo', messageId: 'fleet-progress-1', roomId: 'demo-XHG@chatroom', roomTopic: null,
    senderId: `demo-m${boss.rows[0]!.id}`, senderName: '指挥长', kind: 'text', text: `#进度 ${code}`,
  });
  expect(asked.action).toBe('done');
  expect(asked.reply).toContain('送达 0/14（14 个正在送达）');

  // The fleet's sweep sees no online account in the groups; after BOT_UNDELIVERABLE_AFTER_MS they are given up.
  await t.hub.bots!.fleet.tick();
  clock.advance(UNDELIVERABLE_AFTER_MS + 1000);
  await t.hub.bots!.fleet.tick();
  const given = (await routing(code)).filter((m) => m.kind === 'instruction');
  expect(given.map((m) => m.status)).toEqual(Array(14).fill('undeliverable'));
  let d = await delivery(code);
  expect(d.progress).toMatchObject({ delivered: 0, delivering: 1, unreachable: 13 });
  const reasons = new Map(d.receipts.map((r) => [r.grid.code, r.unreachableReason]));
  expect([...reasons].filter(([grid]) => grid !== M1).every(([, reason]) => reason === 'undeliverable')).toBe(true);

  // M1 has a WeCom robot: its copy goes there, and its clocks start when the robot has it.
  const worker = new ChannelWorker(t.hub.deps, channelsOf(t.hub.deps)['wecom']!);
  expect(await worker.drainOnce()).toBe(1);
  // The chief the WeChat message @-mentioned is mentioned on the robot by the mobile number in the member register.
  const chief = await t.pg.query<{ phone: string }>(`select m.phone from member m join grid g on g.id = m.grid_id where g.code = $1 and m.role = 'chief'`, [M1]);
  expect(chief.rows).toHaveLength(1);
  expect(wecom.accepted.filter((m) => m.key === 'key-fleet-m01-aaaa-1111').map((m) => [m.content, m.mentionedMobileList, m.mentionedList])).toEqual([
    [expect.stringContaining('台风转移'), [chief.rows[0]!.phone], []],
  ]);
  d = await delivery(code);
  expect(d.progress).toMatchObject({ delivered: 1, delivering: 0, unreachable: 13 });
  expect(d.receipts.find((r) => r.grid.code === M1)).toMatchObject({ deliveredVia: 'wecom', unreachableReason: null });
});
