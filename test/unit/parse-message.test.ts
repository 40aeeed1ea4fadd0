import {
  CHAT_COMMANDS,
  COMMAND_KEYWORDS,
  categoriseWith,
  describeParsed,
  parseMessage,
  type ChatCommand,
  type ParsedMessage,
} from '../../src/domain/chat/index.js';
import { loadCategoryClassifier } from '../../src/infra/category-model.js';

type Described = ReturnType<typeof describeParsed>;
type Expect = Partial<Omit<Described, 'command'>> & Pick<ParsedMessage, 'mentions' | 'quoted'>;

const DEFAULTS = { ref: null, urgent: false, category: null, confidence: null, guesses: [], grade: null, period: null, outcome: null, satisfied: null };
const Q = (who: string, quoted: string, reply: string): string =>
  `「${who}：${quoted}」\n- - - - - - - - - - - - - - -\n${reply}`;
const E12 = 'E20261122-0012';
const I3 = 'I20261122-003';

// [message as a grid worker types it, command, fields that differ from DEFAULTS (+ text when checked)]
const ROWS: ReadonlyArray<readonly [string, ChatCommand, Expect?]> = [
  // report: #, bare keywords with pauses, full-width, tags, addresses from the seeds
  ['#上报 3栋下水道篦子破损', 'report', { category: 'safety_hazard', text: '3栋下水道篦子破损' }],
  ['上报：桂花堰社区二组门口有大件垃圾', 'report', { category: 'sanitation', text: '桂花堰社区二组门口有大件垃圾' }],
  ['报告 第二网格有大件垃圾，需及时清理', 'report', { category: 'sanitation', text: '第二网格有大件垃圾,需及时清理' }],
  ['反映：第四网格有个老虎机，需立即整治', 'report', { category: 'public_security' }],
  ['反映 第一网格有个老人要办老年卡', 'report', { category: 'livelihood', text: '第一网格有个老人要办老年卡' }],
  ['＃上报　机场路社区上优水岸小区流动摊贩占道经营', 'report', { category: 'street_order', text: '机场路社区上优水岸小区流动摊贩占道经营' }],
  ['#上报3栋2单元楼道电动车飞线充电', 'report', { category: 'safety_hazard', text: '3栋2单元楼道电动车飞线充电' }],
  ['#上报 农贸市场东门有人摆摊卖假药', 'report', { category: 'market' }],
  ['#上报 老旧院落12号楼上楼下漏水吵架，邻里矛盾激化', 'report', { category: 'dispute' }],
  ['#上报 水电五局小区7栋发现火情', 'report', { category: 'safety_hazard' }],
  ['#上报 桂花路与航港路口水管爆裂，路面积水', 'report', { category: 'facility' }],
  ['#上报 白茅村二组有3名返乡人员未报备', 'report', { category: 'epidemic' }],
  ['#上报 5号楼居家隔离人员需要买菜', 'report', { category: 'epidemic' }],
  ['#上报 幸福巷路灯坏了三天了', 'report', { category: 'facility', text: '幸福巷路灯坏了三天了' }],
  ['#上报 小区南门共享单车乱停，堵住人行道', 'report', { category: 'street_order' }],
  ['#上报 1栋顶楼私搭乱建彩钢棚', 'report', { category: 'illegal_construction' }],
  ['#上报 新塘社区有人违建加盖一层', 'report', { category: 'illegal_construction' }],
  ['#上报 楼道里有大狗没拴绳，吓到小孩', 'report', { category: 'public_security' }],
  ['#上报 楼道里有狗屎没人清理', 'report', { category: 'sanitation' }],
  ['#上报 车棚电瓶被偷了两个', 'report', { category: 'public_security' }],
  ['#上报 广场舞噪音扰民，居民投诉', 'report', { category: 'dispute' }],
  ['#上报 独居老人李大爷想申请低保', 'report', { category: 'livelihood' }],
  ['#上报 学校门口小卖部无证经营，卖过期食品', 'report', { category: 'market' }],
  ['#上报 桥下路面结冰，已有电动车滑倒', 'report', { category: 'safety_hazard' }],
  ['#上报 3号楼消防通道被私家车堵死', 'report', { category: 'safety_hazard' }],
  ['#上报 7栋燃气管道有异味', 'report', { category: 'safety_hazard' }],
  ['#上报 大风吹倒电线杆，压在围墙上', 'report', { category: 'safety_hazard' }],
  ['#上报 小区门口有人打架', 'report', { category: 'public_security' }],
  ['#上报 有人反映情况，待核实', 'report', { category: null, text: '有人反映情况,待核实' }],
  ['#上报', 'report', { text: '' }],
  ['上报。', 'report', { text: '' }],
  ['＃上报：【安全隐患】4栋外墙空调架锈蚀', 'report', { category: 'safety_hazard', confidence: 1, text: '4栋外墙空调架锈蚀' }],
  ['#上报 【环境卫生】3栋楼下', 'report', { category: 'sanitation', confidence: 1, text: '3栋楼下' }],
  ['#上报 【其他】门卫室要换锁', 'report', { category: 'other', confidence: 1, text: '门卫室要换锁' }],
  ['#上报 【市容秩序】【紧急】桥头摊贩占道', 'report', { category: 'street_order', confidence: 1, urgent: true, text: '桥头摊贩占道' }],
  ['#上报 【随手拍】2栋门口垃圾', 'report', { category: 'sanitation', text: '【随手拍】2栋门口垃圾' }],
  ['#上报 [强] 8栋垃圾满溢', 'report', { category: 'sanitation', text: '[强] 8栋垃圾满溢' }],
  ['#上报 紧急疏散通道被杂物堵塞', 'report', { category: 'safety_hazard', urgent: false }],
  // urgent reports
  ['#紧急 5栋电线杆倒了压住车', 'report', { urgent: true, category: 'safety_hazard', text: '5栋电线杆倒了压住车' }],
  ['#求助 2单元有老人摔倒，家里没人', 'report', { urgent: true }],
  ['＃紧急：9栋天然气泄漏', 'report', { urgent: true, category: 'safety_hazard', text: '9栋天然气泄漏' }],
  ['#上报 【紧急】11栋地下室起火', 'report', { urgent: true, category: 'safety_hazard', text: '11栋地下室起火' }],
  ['#上报 紧急：河边有小孩溺水', 'report', { urgent: true, category: 'safety_hazard', text: '河边有小孩溺水' }],
  ['#上报【急】小区大门坍塌', 'report', { urgent: true, category: 'safety_hazard', text: '小区大门坍塌' }],
  ['报告：【紧急】【疫情防控】3户发热', 'report', { urgent: true, category: 'epidemic', confidence: 1, text: '3户发热' }],
  ['@网格助手\u2005#紧急 桂花堰社区发现可疑人员', 'report', { urgent: true, category: 'public_security', mentions: ['网格助手'] }],
  // ack, bare and quoted
  ['收到', 'ack', { text: '' }],
  ['收到！', 'ack', { text: '' }],
  ['收到。', 'ack'],
  ['收到，马上去', 'ack', { text: '马上去' }],
  ['收到 马上落实', 'ack', { text: '马上落实' }],
  ['收到[抱拳]', 'ack', { text: '[抱拳]' }],
  ['收到👍', 'ack', { text: '👍' }],
  ['已收到', 'ack'],
  ['#收到 I20261122-003', 'ack', { ref: I3, text: '' }],
  ['#收到 i20261122-3', 'ack', { ref: I3 }],
  ['＃收到　Ｉ２０２６１１２２－３', 'ack', { ref: I3 }],
  ['#签收 I20261122-003 第五网格', 'ack', { ref: I3, text: '第五网格' }],
  [Q('网格中心', `【指令】${I3} 请排查返乡人员`, '收到'), 'ack', { ref: I3, quoted: `【指令】${I3} 请排查返乡人员`, text: '' }],
  [Q('网格中心', `${I3} 今晚8点前上报`, '@王主任\u2005收到，马上落实'), 'ack', { ref: I3, mentions: ['王主任'], text: '马上落实' }],
  [Q('网格中心', `${I3}`, '#收到 I20261122-007'), 'ack', { ref: 'I20261122-007' }],
  [Q('张三', '明天几点开会', '收到'), 'ack', { ref: null }],
  ['@张三 @李四 收到', 'ack', { mentions: ['张三', '李四'] }],
  ['@熊明艳\u2005@丁克宁\u2005收到', 'ack', { mentions: ['熊明艳', '丁克宁'] }],
  ['＠网格中心 收到', 'ack', { mentions: ['网格中心'] }],
  ['@网格中心', 'none', { mentions: ['网格中心'], text: '' }],
  // result
  ['#反馈 I20261122-003 已排查33人，无异常', 'result', { ref: I3, text: '已排查33人,无异常' }],
  ['反馈：i20261122-3 已入户，不落一户、不漏一人', 'result', { ref: I3 }],
  ['#反馈 第五网格323户已全部排查 i20261122-3', 'result', { ref: I3, text: '第五网格323户已全部排查' }],
  [Q('网格中心', `${I3} 排查上海返乡人员`, '反馈：12人均已核酸，居家隔离'), 'result', { ref: I3, text: '12人均已核酸,居家隔离' }],
  ['#反馈 已排查，无异常', 'result', { ref: null, text: '已排查,无异常' }],
  ['#反馈 I20261122-0-3', 'result', { ref: null }],
  // clearance and zero reports
  ['#日清 今日事项已全部办结', 'clearance', { period: 'daily', text: '今日事项已全部办结' }],
  ['#周清 本周8件，已清7件，1件在办', 'clearance', { period: 'weekly' }],
  ['#月清', 'clearance', { period: 'monthly', text: '' }],
  ['＃日清：第三网格已清', 'clearance', { period: 'daily', text: '第三网格已清' }],
  ['#日清 零报告', 'zero_report', { period: 'daily', text: '' }],
  ['#周清 零报告', 'zero_report', { period: 'weekly' }],
  ['#月清 本月零报告', 'zero_report', { period: 'monthly', text: '本月' }],
  ['#零报告', 'zero_report', { period: 'daily', text: '' }],
  ['零报告', 'zero_report', { period: 'daily' }],
  ['零报告！', 'zero_report', { period: 'daily' }],
  ['今日零报告。', 'zero_report', { period: 'daily' }],
  ['本周零报告', 'zero_report', { period: 'weekly' }],
  ['#零报告 周清', 'zero_report', { period: 'weekly', text: '' }],
  ['@网格长\u2005零报告', 'zero_report', { period: 'daily', mentions: ['网格长'] }],
  ['零报告了吗', 'none'],
  // handle, progress, close, dispatch
  ['#处置 E20261122-0012 已清理', 'handle', { ref: E12, text: '已清理' }],
  ['#处置 e20261122-12 垃圾已清运', 'handle', { ref: E12, text: '垃圾已清运' }],
  ['#就地处置 e20261122-12', 'handle', { ref: E12, text: '' }],
  ['#处置 3栋门口垃圾已清理', 'handle', { category: 'sanitation', text: '3栋门口垃圾已清理' }],
  [Q('李四', `${E12} 3栋下水道篦子破损`, '#处置 已更换篦子'), 'handle', { ref: E12, text: '已更换篦子' }],
  ['#进度 E20261122-0012', 'progress', { ref: E12, text: '' }],
  ['#查询 e20261122-0012', 'progress', { ref: E12 }],
  ['#查询 3栋路灯那件事', 'progress', { text: '3栋路灯那件事' }],
  ['#进度 E 20261122 - 12', 'progress', { ref: E12 }],
  ['#办结 E20261122-0012', 'close', { ref: E12, text: '' }],
  ['#结案 e20261122-12 居民已确认', 'close', { ref: E12, text: '居民已确认' }],
  ['#派单 E20261122-0012 城管', 'dispatch', { ref: E12, text: '城管' }],
  ['#派单 e20261122-12 市场监管局', 'dispatch', { ref: E12, text: '市场监管局' }],
  ['＃派单：E20261122-0012，电力', 'dispatch', { ref: E12, text: '电力' }],
  ['#交办 E20261122-0012 民政', 'dispatch', { ref: E12, text: '民政' }],
  // instruct: every grade form
  ['#指令 重大 全街道排查燃气隐患', 'instruct', { grade: 'II', text: '全街道排查燃气隐患' }],
  ['#指令 特别重大 立即启动应急响应', 'instruct', { grade: 'I', text: '立即启动应急响应' }],
  ['#指令 较大 排查河道', 'instruct', { grade: 'III', text: '排查河道' }],
  ['#指令 一般 清理楼道杂物', 'instruct', { grade: 'IV', text: '清理楼道杂物' }],
  ['#指令 I级 全员到岗', 'instruct', { grade: 'I', text: '全员到岗' }],
  ['#指令 II级 排查上海返乡人员33人', 'instruct', { grade: 'II', text: '排查上海返乡人员33人' }],
  ['#指令 III级 防汛巡查', 'instruct', { grade: 'III', text: '防汛巡查' }],
  ['#指令 IV级 清理小广告', 'instruct', { grade: 'IV', text: '清理小广告' }],
  ['#指令 Ⅰ 全员待命', 'instruct', { grade: 'I', text: '全员待命' }],
  ['#指令 Ⅱ 排查', 'instruct', { grade: 'II', text: '排查' }],
  ['#指令 Ⅲ级 排查', 'instruct', { grade: 'III' }],
  ['#指令 Ⅳ级：排查', 'instruct', { grade: 'IV', text: '排查' }],
  ['#指令 一级 全员到岗', 'instruct', { grade: 'I' }],
  ['#指令 二级 全员到岗', 'instruct', { grade: 'II' }],
  ['#指令 三级 全员到岗', 'instruct', { grade: 'III' }],
  ['#指令 四级 全员到岗', 'instruct', { grade: 'IV' }],
  ['#指令 1级 全员到岗', 'instruct', { grade: 'I' }],
  ['#指令 2级 全员到岗', 'instruct', { grade: 'II' }],
  ['#指令 ii级 全员到岗', 'instruct', { grade: 'II' }],
  ['#指令 Ｉ级 全员到岗', 'instruct', { grade: 'I' }],
  ['#指令 IV 级 全员到岗', 'instruct', { grade: 'IV', text: '全员到岗' }],
  ['#指令 一级响应：全员到岗', 'instruct', { grade: 'I', text: '全员到岗' }],
  ['#指令【重大】排查燃气', 'instruct', { grade: 'II', text: '排查燃气' }],
  ['#指令 启动二级响应，各网格排查', 'instruct', { grade: 'II', text: '启动二级响应,各网格排查' }],
  ['#指令 请三级网格员今晚排查', 'instruct', { grade: null }],
  ['#指令 明早8点前上报排查情况', 'instruct', { grade: null, text: '明早8点前上报排查情况' }],
  // mediate
  ['#调解 E20261122-0012 失败 双方不同意', 'mediate', { ref: E12, outcome: 'failure', text: '双方不同意' }],
  ['#调解 e20261122-12 成功', 'mediate', { ref: E12, outcome: 'success', text: '' }],
  ['#调解 E20261122-0012 调解成功，已签协议', 'mediate', { ref: E12, outcome: 'success', text: '已签协议' }],
  ['#调解 E20261122-0012 达成一致', 'mediate', { ref: E12, outcome: 'success', text: '' }],
  ['#调解 E20261122-0012 双方达成一致，已签协议', 'mediate', { ref: E12, outcome: 'success', text: '双方达成一致,已签协议' }],
  ['#调解 E20261122-0012 未达成一致，下周再约', 'mediate', { ref: E12, outcome: 'failure', text: '下周再约' }],
  ['#调解 E20261122-0012 第二次调解不成功', 'mediate', { ref: E12, outcome: 'failure' }],
  ['#调解 E20261122-0012 双方到场', 'mediate', { ref: E12, outcome: null, text: '双方到场' }],
  // rate
  ['#满意 E20261122-0012', 'rate', { ref: E12, satisfied: true, text: '' }],
  ['#满意 e20261122-12 处理很及时', 'rate', { ref: E12, satisfied: true, text: '处理很及时' }],
  ['#不满意 E20261122-0012 还在漏水', 'rate', { ref: E12, satisfied: false, text: '还在漏水' }],
  ['＃不满意：e20261122-12，垃圾又堆起来了', 'rate', { ref: E12, satisfied: false, text: '垃圾又堆起来了' }],
  ['#评价 E20261122-0012 满意', 'rate', { ref: E12, satisfied: true, text: '' }],
  ['#评价 E20261122-0012 不满意 太慢', 'rate', { ref: E12, satisfied: false, text: '太慢' }],
  ['#评价 E20261122-0012', 'rate', { ref: E12, satisfied: null }],
  [Q('网格助手', `${E12} 已办结，请评价`, '#不满意 路灯还是不亮'), 'rate', { ref: E12, satisfied: false, text: '路灯还是不亮' }],
  // 拍拍板 as a quote-reply to the bot's question: 满意 / 不满意 without # (issue 13.9); never outside a quote.
  [Q('网格助手', `@居民 您反映的 ${E12} 已处置完毕，请评价`, '满意'), 'rate', { ref: E12, satisfied: true, text: '' }],
  [Q('网格助手', `@居民 您反映的 ${E12} 已处置完毕，请评价`, '不满意，灯还是不亮'), 'rate', { ref: E12, satisfied: false, text: '灯还是不亮' }],
  [Q('网格助手', `@居民 您反映的 ${E12} 已处置完毕，请评价`, '满意度调查什么时候做'), 'none'],
  ['满意', 'none'],
  ['不满意 还在漏水', 'none'],
  // Department steps (issue 13.8): #接单, #退回 / #退单; #办结 carries its note.
  ['#接单 E20261122-0012', 'start', { ref: E12, text: '' }],
  ['＃接单 e20261122-12', 'start', { ref: E12 }],
  ['#退回 E20261122-0012 属于市场监管职责', 'return', { ref: E12, text: '属于市场监管职责' }],
  ['#退单：e20261122-12，不属本部门', 'return', { ref: E12, text: '不属本部门' }],
  ['#办结 E20261122-0012 已清运完毕', 'close', { ref: E12, text: '已清运完毕' }],
  ['接单', 'none'],
  ['退回去吧', 'none'],
  ['满意', 'none'],
  // bind, help, unknown
  ['#绑定 482913', 'bind', { ref: '482913', text: '' }],
  ['＃绑定　４８２９１３', 'bind', { ref: '482913' }],
  ['#绑定', 'bind', { ref: null }],
  ['#绑定群 XHG-B03', 'bind_group', { ref: 'XHG-B03', text: '' }],
  ['#绑定群 xhg-b03-c07-m12', 'bind_group', { ref: 'XHG-B03-C07-M12' }],
  ['#绑定群：xhg', 'bind_group', { ref: 'XHG' }],
  ['#帮助', 'help', { text: '' }],
  ['帮助', 'help'],
  ['帮助？', 'none'],
  ['#help', 'help'],
  ['#帮助 上报', 'help', { text: '上报' }],
  ['#打卡', 'unknown', { text: '打卡' }],
  ['#签到 8:30', 'unknown', { text: '签到 8:30' }],
  ['#helpme', 'unknown'],
  ['#上海 加油', 'unknown'],
  ['＃疫情防控＃', 'unknown'],
  // ordinary group chat stays none
  ['收到快递了吗', 'none', { text: '收到快递了吗' }],
  ['收到？', 'none'],
  ['收到了', 'none'],
  ['好的谢谢', 'none'],
  ['好的收到', 'none'],
  ['明天开会', 'none'],
  ['明天上午9点社区开会，大家准时参加', 'none'],
  ['上报了吗？', 'none'],
  ['报告会改到周五', 'none'],
  ['反映的问题解决了没', 'none'],
  ['帮助老人打疫苗辛苦了', 'none'],
  ['3栋下水道篦子破损', 'none'],
  ['👍👍👍', 'none'],
  ['[强][强]', 'none'],
  ['https://mp.weixin.qq.com/s/abc#上报', 'none'],
  ['13800138000', 'none'],
  ['E20261122-0012', 'none'],
  ['2022年5月16日', 'none'],
  ['辛苦了！', 'none'],
  ['哈哈哈', 'none'],
  ['', 'none', { text: '' }],
  ['   ', 'none', { text: '' }],
  ['\u200b\u200b', 'none', { text: '' }],
  ['@所有人 今晚8点前完成排查', 'none', { mentions: ['所有人'], text: '今晚8点前完成排查' }],
  [Q('网格中心', `${I3} 请排查`, '好的'), 'none', { ref: null }],
  [Q('张三', '#上报 3栋垃圾', '这个我去看看'), 'none'],
  ['「张三：收到」', 'none'],
  ['我上报了', 'none'],
  ['Hello everyone', 'none'],
  ['＃\u200b上报 3栋垃圾', 'report', { category: 'sanitation' }],
  ['\u2005收到', 'ack'],
  ['收\u200b到！', 'ack'],
];

/** One table row: the parse of `text` is `command` with DEFAULTS overridden by `expected`. */
function checkRow(_name: string, text: string, command: ChatCommand, expected: Expect): void {
  const parsed = parseMessage(text);
  const { text: wantText, mentions, quoted, ...fields } = expected;
  expect(describeParsed(parsed)).toEqual({ ...DEFAULTS, ...fields, command, text: wantText ?? parsed.text });
  if (mentions !== undefined) expect(parsed.mentions).toEqual(mentions);
  if (quoted !== undefined) expect(parsed.quoted).toBe(quoted);
}

describe('parseMessage reads the bot language of docs/bot-language.md', () => {
  it('has a large table', () => expect(ROWS.length).toBeGreaterThanOrEqual(150));

  it.each(ROWS.map(([text, command, expected]) => [JSON.stringify(text), text, command, expected ?? {}] as const))(
    '%s',
    checkRow,
  );

  it.each(COMMAND_KEYWORDS.map((k) => [k.keyword, k] as const))('#%s starts its command, bare only if allowed', (word, k) => {
    expect(parseMessage(`#${word} 测试`).command).toBe(k.command);
    expect(parseMessage(`${word}：测试`).command).toBe(k.bare ? k.command : 'none');
  });

  it('describeParsed has exactly the keys of docs/bot-language.md', () => {
    expect(Object.keys(describeParsed(parseMessage('#上报 x'))).sort()).toEqual(
      ['category', 'command', 'confidence', 'grade', 'guesses', 'outcome', 'period', 'ref', 'satisfied', 'text', 'urgent'].sort(),
    );
  });

  it.each([
    ['收到', true],
    ['收到！', true],
    ['#收到', false],
    ['＃收到 I20261122-3', false],
    ['上报：3栋下水道篦子破损', true],
    ['#上报 3栋下水道篦子破损', false],
    ['@王网格员\u2005收到', true],
  ])('marks %j as bare=%s (a keyword without #)', (text, bare) => {
    expect(parseMessage(text).bare).toBe(bare);
  });

  it('reads only the first 4,000 characters of a huge message', () => {
    const parsed = parseMessage(`#上报 ${'垃圾'.repeat(1_000_000)}`);
    expect(parsed.command).toBe('report');
    expect(parsed.text.length).toBeLessThanOrEqual(4000);
  });

  it('never throws on values that are not strings', () => {
    for (const v of [undefined, null, 42, {}, [], Symbol('x'), { toString: () => { throw new Error('x'); } }]) {
      expect(parseMessage(v as unknown as string).command).toBe('none');
    }
  });
});

// Deterministic PRNG (mulberry32) so a failure reproduces.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00, 0x7f], [0x4e00, 0x9fff], [0xff00, 0xffef], [0x3000, 0x303f], [0x2000, 0x206f], [0xd800, 0xdfff],
  [0x1f300, 0x1faff], [0x2160, 0x217f], [0x80, 0xffff], [0x10000, 0x10ffff],
];
const PIECES = ['#', '＃', '@', '\u2005', '「', '」', '：', '\n- - - - - - -\n', 'e20261122-12', '【紧急】', '零报告', ' ', '！', ...COMMAND_KEYWORDS.map((k) => k.keyword)];

function randomString(rnd: () => number): string {
  let s = '';
  const n = Math.floor(rnd() * 24);
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.2) {
      s += PIECES[Math.floor(rnd() * PIECES.length)]!;
    } else {
      const [lo, hi] = RANGES[Math.floor(rnd() * RANGES.length)]!;
      s += String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));
    }
  }
  return s;
}

const BARE = COMMAND_KEYWORDS.filter((k) => k.bare).map((k) => k.keyword);
/** Independent of the parser: could this string start a command at all? */
function mayStartCommand(s: string): 'yes' | 'no' | 'skip' {
  const head = s.replace(/[\p{Cc}\p{Cf}]/gu, '').trimStart().normalize('NFKC').trimStart();
  if (/^[@「]/.test(head)) return 'skip';
  return head.startsWith('#') || BARE.some((k) => head.startsWith(k)) ? 'yes' : 'no';
}

// Issue 13: what people write without `#`, and Traditional characters from some phones.
const BARE_FORMS: ReadonlyArray<readonly [string, ChatCommand, Expect?]> = [
  ['紧急：5栋门口有人晕倒了', 'report', { urgent: true, text: '5栋门口有人晕倒了' }],
  ['紧急！3栋起火', 'report', { urgent: true, category: 'safety_hazard', text: '3栋起火' }],
  ['紧急 河边有小孩溺水', 'report', { urgent: true, category: 'safety_hazard', text: '河边有小孩溺水' }],
  ['急！2单元电梯困人', 'report', { urgent: true, category: 'facility', text: '2单元电梯困人' }],
  ['急：桥头摊贩占道', 'report', { urgent: true, category: 'street_order', text: '桥头摊贩占道' }],
  ['@网格长\u2005急，7栋燃气管道有异味', 'report', { urgent: true, category: 'safety_hazard', mentions: ['网格长'] }],
  ['紧急疏散演练明天上午九点', 'none'],
  ['急死了', 'none'],
  ['急什么', 'none'],
  ['#急 9栋天然气泄漏', 'report', { urgent: true, category: 'safety_hazard', text: '9栋天然气泄漏' }],
  ['#急救车进不来', 'unknown'],
  ['日清：今日事项已全部办结', 'clearance', { period: 'daily', text: '今日事项已全部办结' }],
  ['日清，第三网格已清', 'clearance', { period: 'daily', text: '第三网格已清' }],
  ['周清，本周8件已清7件', 'clearance', { period: 'weekly', text: '本周8件已清7件' }],
  ['月清 本月全部办结', 'clearance', { period: 'monthly', text: '本月全部办结' }],
  ['日清', 'clearance', { period: 'daily', text: '' }],
  ['日清：零报告', 'zero_report', { period: 'daily', text: '' }],
  ['日清工作几点截止？', 'none'],
  ['周清表格发群里了', 'none'],
  ['零报告', 'zero_report', { period: 'daily', text: '' }],
  ['零报告。', 'zero_report', { period: 'daily', text: '' }],
  ['零报告，第三网格', 'zero_report', { period: 'daily', text: '第三网格' }],
  ['零报告 👍', 'zero_report', { period: 'daily' }],
  ['零报告几点前交？', 'none'],
  ['零报告？', 'none'],
  ['零报告的表在哪', 'none'],
  ['#', 'none', { text: '#' }],
  ['＃', 'none', { text: '#' }],
  ['# ', 'none', { text: '#' }],
  ['#！', 'none'],
  // Traditional characters read as Simplified
  ['#上報 3棟樓道裏電動車飛線充電', 'report', { category: 'safety_hazard', text: '3栋楼道里电动车飞线充电' }],
  ['上報：幸福巷路燈壞了三天了', 'report', { category: 'facility', text: '幸福巷路灯坏了三天了' }],
  ['緊急！河邊有小孩溺水', 'report', { urgent: true, category: 'safety_hazard', text: '河边有小孩溺水' }],
  ['#處置 E20261122-0012 垃圾已清運', 'handle', { ref: E12, text: '垃圾已清运' }],
  ['#辦結 e20261122-12', 'close', { ref: E12, text: '' }],
  ['零報告', 'zero_report', { period: 'daily', text: '' }],
  ['#週清 本週已清', 'clearance', { period: 'weekly', text: '本周已清' }],
  ['收到，馬上落實', 'ack', { text: '马上落实' }],
  ['#上報 【緊急】【安全隱患】4棟外牆空調架鏽蝕', 'report', { urgent: true, category: 'safety_hazard', confidence: 1, text: '4栋外墙空调架锈蚀' }],
];

describe('parseMessage reads the bare forms and Traditional characters (issue 13)', () => {
  it.each(BARE_FORMS.map(([text, command, expected]) => [JSON.stringify(text), text, command, expected ?? {}] as const))(
    '%s',
    checkRow,
  );
});

describe('parseMessage takes its category function as a dependency', () => {
  const classify = categoriseWith(loadCategoryClassifier());

  it.each([
    ['#上报 桂花堰社区二组门口有大件垃圾', 'sanitation'],
    ['上報：3棟樓道裏電動車飛線充電', 'safety_hazard'],
    ['紧急：1栋顶楼私搭乱建彩钢棚', 'illegal_construction'],
  ])('%s → %s with its confidence', (text, category) => {
    const p = parseMessage(text, classify);
    expect(p.category).toBe(category);
    expect(p.confidence).toBeGreaterThan(0);
    expect(p.confidence).toBeLessThanOrEqual(1);
    expect(p.guesses).toEqual([]);
  });

  it('files a report the classifier is unsure about as other, with its two best guesses', () => {
    const p = parseMessage('上报：那边的事情还没弄好', classify);
    expect(p.category).toBe('other');
    expect(p.guesses).toHaveLength(2);
    expect(p.guesses[0]!.category).not.toBe('other');
    expect(p.guesses[0]!.confidence).toBeGreaterThanOrEqual(p.guesses[1]!.confidence);
    expect(p.confidence).toBe(p.guesses[0]!.confidence);
  });

  it('a tag still wins over the classifier, with confidence 1', () => {
    expect(describeParsed(parseMessage('#上报 【其他】门卫室要换锁', classify))).toMatchObject({ category: 'other', confidence: 1, guesses: [] });
  });

  it('classifies the quoted report when the reply has no text of its own', () => {
    const p = parseMessage(Q('张三', '3栋门口垃圾堆了一星期没人清', '上报'), classify);
    expect(p.command).toBe('report');
    expect(p.category).toBe('sanitation');
  });

  it('gives commands other than a report no category', () => {
    expect(describeParsed(parseMessage('收到', classify))).toMatchObject({ category: null, confidence: null, guesses: [] });
  });
});

describe('parseMessage on random Unicode', () => {
  it('never throws, always returns a valid shape, and leaves non-commands alone (10,000 strings)', () => {
    const rnd = prng(20261122);
    let checkedNone = 0;
    for (let i = 0; i < 10_000; i++) {
      const s = randomString(rnd);
      const p = parseMessage(s);
      expect(CHAT_COMMANDS).toContain(p.command);
      expect(typeof p.text).toBe('string');
      expect(() => JSON.stringify(describeParsed(p))).not.toThrow();
      if (mayStartCommand(s) === 'no') {
        checkedNone++;
        if (p.command !== 'none') throw new Error(`expected none for ${JSON.stringify(s)}, got ${p.command}`);
      }
    }
    expect(checkedNone).toBeGreaterThan(5000);
  });

  it('a keyword and a pause in front of random text always starts its command', () => {
    const rnd = prng(7);
    for (let i = 0; i < 2_000; i++) {
      const k = COMMAND_KEYWORDS[Math.floor(rnd() * COMMAND_KEYWORDS.length)]!;
      const rest = randomString(rnd);
      const hashed = parseMessage(`＃${k.keyword} ${rest}`).command;
      // `#日清 … 零报告 …` legitimately becomes a zero report.
      expect(hashed === k.command || (k.command === 'clearance' && hashed === 'zero_report')).toBe(true);
      const bare = parseMessage(`${k.keyword}！${rest}`).command;
      if (k.bare) expect(bare === k.command || (k.command === 'clearance' && bare === 'zero_report')).toBe(true);
    }
  });
});
