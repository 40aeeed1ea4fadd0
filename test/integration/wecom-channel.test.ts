import { ChannelWorker } from '../../src/channels/channel-worker';
import { ManualClock } from '../../src/infra/clock';
import { channelsOf } from '../../src/services/channel.service';
import type * as Op from '../generated/operations';
import { bindGroups, C07_MICRO_GRIDS, rowsOf } from '../factories/chat-groups';
import { deliverOutbox } from '../factories/delivery';
import { AMEND_INSTRUCTION, GRID_CHANNELS, INSTRUCTION_DELIVERY, ISSUE_INSTRUCTION, SET_GRID_WECOM_WEBHOOK } from '../operations';
import { gql, gqlOk, useHub } from '../setup/hub';
import { startWecomServer } from '../setup/wecom-server';

// 10:00 in Shanghai.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock, instances: 0 });
let wecom: Awaited<ReturnType<typeof startWecomServer>>;

const M = (n: number) => C07_MICRO_GRIDS[n - 1]!;
const SECRET = 'channel-secret-for-tests-0123456789';

beforeAll(async () => {
  wecom = await startWecomServer(() => clock.now().getTime());
  t.cleanup(() => wecom.close());
  await t.start({ env: { WECOM_WEBHOOK_URL: wecom.base, CHANNEL_SECRET_KEY: SECRET } });
  // C07's micro-grids 1–12 have WeChat groups; 13 and 14 have none.
  await bindGroups(t.databaseUrl, { codes: C07_MICRO_GRIDS.slice(0, 12) });
});

const commander = () => t.token('COMMANDER', 'XHG');
/** Runs the channel worker until nothing is due at the current clock; returns how many requests it made. */
const drainChannels = async () => {
  const worker = new ChannelWorker(t.hub.deps, channelsOf(t.hub.deps)['wecom']!);
  let n = 0;
  for (let k; (k = await worker.drainOnce()) > 0; ) n += k;
  return n;
};
const delivery = async (code: string) => (await gqlOk<Op.InstructionDeliveryQuery>(t.hub, await commander(), INSTRUCTION_DELIVERY, { code, under: null })).instruction;
const receiptOf = async (code: string, grid: string) => (await delivery(code)).receipts.find((r) => r.grid.code === grid)!;

it('sets a grid’s WeCom robot only for admins and commanders, from a valid webhook, and never shows the key', async () => {
  const url = wecom.robot('key-m01-aaaaaaaa-1111');
  const set = await gqlOk<Op.SetGridWecomWebhookMutation>(t.hub, await commander(), SET_GRID_WECOM_WEBHOOK, { grid: M(1), url });
  expect(set.setGridWecomWebhook).toMatchObject({ grid: M(1), kind: 'wecom' });
  expect(set.setGridWecomWebhook!.hint).not.toContain('key-m01-aaaaaaaa-1111');
  // A bare key is a webhook under the configured endpoint.
  await gqlOk(t.hub, await commander(), SET_GRID_WECOM_WEBHOOK, { grid: M(14), url: 'key-m14-bbbbbbbb-2222' });
  wecom.robot('key-m14-bbbbbbbb-2222');

  const bad = await gql(t.hub, await commander(), SET_GRID_WECOM_WEBHOOK, { grid: M(2), url: 'https://evil.example.org/cgi-bin/webhook/send?key=abcdefgh' });
  expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  const chief = await gql(t.hub, await t.token('CHIEF', M(2)), SET_GRID_WECOM_WEBHOOK, { grid: M(2), url: wecom.robot('key-m02-cccccccc-3333') });
  expect(chief.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  const list = await gqlOk<Op.GridChannelsQuery>(t.hub, await commander(), GRID_CHANNELS, { under: 'XHG-B03-C07' });
  expect(list.gridChannels.map((c) => c.grid)).toEqual([M(1), M(14)]);
  // Sealed at rest: the database holds no key either.
  const stored = await rowsOf<{ target: string }>(t.databaseUrl, `select target from grid_channel`);
  expect(stored.every((r) => r.target.startsWith('v1:') && !r.target.includes('key-'))).toBe(true);
});

it('sends a grade I instruction through both channels, @all on the robot, split under 2,048 bytes; a grid with only a robot is told through it', async () => {
  const body = Array.from({ length: 40 }, (_, i) => `${i + 1}. 立即转移低洼地带住户，逐户敲门确认人数并登记去向，老人儿童优先安置。`).join('\n');
  const { issueInstruction } = await gqlOk<Op.IssueInstructionMutation>(t.hub, await commander(), ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'I', title: '防汛紧急转移', body, levels: ['MICRO_GRID'] } });
  const code = issueInstruction.code;
  let d = await delivery(code);
  // M13 has no channel at all; M14 has its robot, so it is still being told.
  expect(d.progress).toMatchObject({ targets: 14, delivered: 0, delivering: 13, unreachable: 1 });
  expect(d.unreachableGrids.grids.map((g) => g.grid.code)).toEqual([M(13)]);

  const sent = await drainChannels();
  const forM01 = wecom.accepted.filter((m) => m.key === 'key-m01-aaaaaaaa-1111');
  const forM14 = wecom.accepted.filter((m) => m.key === 'key-m14-bbbbbbbb-2222');
  expect(sent).toBe(forM01.length + forM14.length);
  expect(forM01.length).toBeGreaterThan(1); // the text is longer than one request takes
  expect(wecom.refusals).toEqual([]);
  for (const m of [...forM01, ...forM14]) expect(Buffer.byteLength(m.content, 'utf8')).toBeLessThanOrEqual(2048);
  expect(forM01[0]!.mentionedList).toEqual(['@all']);
  expect(forM01[0]!.content).toContain(`【Ⅰ级（特别重大）指令】${code} 防汛紧急转移`);
  expect(forM01.map((m) => m.content.split('\n').at(-1))).toEqual(forM01.map((_, i) => `(${i + 1}/${forM01.length})`));

  // M14 was told by its robot; M01 by its robot too (grade I goes both ways; the first send counts).
  expect(await receiptOf(code, M(14))).toMatchObject({ deliveredVia: 'wecom', deliveredAt: clock.now().toISOString() });
  clock.advance(60_000);
  await deliverOutbox(t.hub);
  d = await delivery(code);
  expect(d.progress).toMatchObject({ delivered: 13, delivering: 0, unreachable: 1 });
  expect(d.receipts.find((r) => r.grid.code === M(1))).toMatchObject({ deliveredVia: 'wecom' });
  expect(d.receipts.find((r) => r.grid.code === M(2))).toMatchObject({ deliveredVia: 'wechat' });
});

it('paces each robot at 20 messages a minute and rests it when WeCom answers 45009', async () => {
  clock.advance(10 * 60_000);
  const { issueInstruction } = await gqlOk<Op.IssueInstructionMutation>(t.hub, await commander(), ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'I', title: '停水通知', levels: ['MICRO_GRID'] } });
  for (let i = 1; i <= 24; i++) await gqlOk(t.hub, await commander(), AMEND_INSTRUCTION, { code: issueInstruction.code, text: `第${i}次补充` });
  const before = wecom.accepted.length;
  // 25 messages for each robot: 20 go now, and WeCom never had to refuse one.
  await drainChannels();
  const now = wecom.accepted.slice(before);
  expect(now.filter((m) => m.key === 'key-m01-aaaaaaaa-1111')).toHaveLength(20);
  expect(now.filter((m) => m.key === 'key-m14-bbbbbbbb-2222')).toHaveLength(20);
  expect(wecom.refusals).toEqual([]);
  // A minute later the other five go; then M01's robot is throttled by WeCom itself and rests.
  clock.advance(60_001);
  wecom.throttleNext('key-m01-aaaaaaaa-1111');
  await drainChannels();
  expect(wecom.refusals).toEqual([{ key: 'key-m01-aaaaaaaa-1111', errcode: 45009 }]);
  expect(wecom.accepted.slice(before).filter((m) => m.key === 'key-m14-bbbbbbbb-2222')).toHaveLength(25);
  expect(wecom.accepted.slice(before).filter((m) => m.key === 'key-m01-aaaaaaaa-1111')).toHaveLength(20);
  clock.advance(30_000);
  expect(await drainChannels()).toBe(0); // still resting
  clock.advance(31_000);
  await drainChannels();
  expect(wecom.accepted.slice(before).filter((m) => m.key === 'key-m01-aaaaaaaa-1111')).toHaveLength(25);
  // Nothing was sent twice.
  const contents = wecom.accepted.map((m) => `${m.key}|${m.content}`);
  expect(new Set(contents).size).toBe(contents.length);
  await deliverOutbox(t.hub); // WeChat takes its copies too
});

it('sends a message WeChat gave up to the grid’s robot; a grid without one becomes unreachable; clearing a robot fails what it had pending', async () => {
  clock.advance(10 * 60_000);
  await gqlOk(t.hub, await commander(), SET_GRID_WECOM_WEBHOOK, { grid: M(2), url: wecom.robot('key-m02-cccccccc-3333') });
  const { issueInstruction } = await gqlOk<Op.IssueInstructionMutation>(t.hub, await commander(), ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'II', title: '燃气排查', levels: ['MICRO_GRID'] } });
  const code = issueInstruction.code;
  // Grade II: not on the robots of grids that have a group; M14 (robot only) hears it there.
  const refused = new Set([M(2), M(3)].map((g) => `room-${g.toLowerCase()}@chatroom`));
  await deliverOutbox(t.hub, { refuse: (room) => refused.has(room) });
  let d = await delivery(code);
  expect(d.receipts.find((r) => r.grid.code === M(3))).toMatchObject({ deliveredAt: null, unreachableReason: 'failed' });
  expect(d.receipts.find((r) => r.grid.code === M(2))).toMatchObject({ deliveredAt: null, unreachableReason: null });
  const before = wecom.accepted.length;
  await drainChannels();
  const fallback = wecom.accepted.slice(before).filter((m) => m.key === 'key-m02-cccccccc-3333');
  expect(fallback).toHaveLength(1);
  expect(fallback[0]!.content).toContain(`${code} 燃气排查`);
  d = await delivery(code);
  expect(d.receipts.find((r) => r.grid.code === M(2))).toMatchObject({ deliveredVia: 'wecom' });
  expect(d.progress).toMatchObject({ delivered: 12, delivering: 0, unreachable: 2 });

  // A grade III instruction M14 hears only through its robot; the robot is removed before it goes.
  const next = await gqlOk<Op.IssueInstructionMutation>(t.hub, await commander(), ISSUE_INSTRUCTION, { input: { scope: 'XHG-B03-C07', grade: 'III', title: '消防通道清理', levels: ['MICRO_GRID'] } });
  expect((await delivery(next.issueInstruction.code)).progress).toMatchObject({ unreachable: 1, delivering: 13 });
  expect((await gqlOk<Op.SetGridWecomWebhookMutation>(t.hub, await commander(), SET_GRID_WECOM_WEBHOOK, { grid: M(14), url: null })).setGridWecomWebhook).toBeNull();
  expect(await receiptOf(next.issueInstruction.code, M(14))).toMatchObject({ deliveredAt: null, unreachableReason: 'channel_failed' });
});
