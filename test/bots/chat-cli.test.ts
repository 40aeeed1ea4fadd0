import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../setup/processes';
import { useDatabase } from '../setup/hub';

const db = useDatabase('demo');

it('gridhub chat speaks into a grid group as a member and prints the bot’s replies', async () => {
  const env = { DATABASE_URL: db.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'gridhub-chat-')), PORT: '1', ADMIN_TOKEN: `chat-admin-${'y'.repeat(20)}` };
  const r = await runCli(['chat', '--grid', 'xhg-b03-c07-m12', '--as', 'worker'], env, '#上报 3栋下水道篦子破损\n/location 30.5612,104.0213 3栋北侧\n收到快递了吗\n/as resident\n反映 小区门口有人占道摆摊\n#打卡\n/quit\n');
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^网格助手: 已登记 E\d{8}-\d{4}【安全隐患】，限 24 小时内处置$/);
  // A WeChat location sent right after the report gives it a place.
  expect(lines[1]).toMatch(/^网格助手: E\d{8}-\d{4} 已记录位置：3栋北侧$/);
  expect(lines[2]).toMatch(/^网格助手: 已登记 E\d{8}-\d{4}【市容秩序】，群众反映，请网格员核实，限 72 小时内处置$/);
  expect(lines[3]).toMatch(/^网格助手: 请先绑定|^网格助手: 没看懂这个指令/);
  expect(lines).toHaveLength(4);
}, 120_000);
