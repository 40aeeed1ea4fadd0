/**
 * The bot's vocabulary (docs/bot-language.md) as data: which words start which command, which of them
 * a grid worker may type without `#`, and the one-line help the bot prints for each.
 * The parser, the help reply and the tests all loop over these tables, so adding a synonym is
 * one line here.
 */

/** Every command the parser can return; `unknown` is a `#word` the bot does not know, `none` is chat. */
export const CHAT_COMMANDS = [
  'report',
  'ack',
  'result',
  'clearance',
  'zero_report',
  'handle',
  'progress',
  'close',
  'start',
  'return',
  'dispatch',
  'instruct',
  'mediate',
  'rate',
  'bind',
  'bind_group',
  'help',
  'unknown',
  'none',
] as const;

/** A command id of {@link CHAT_COMMANDS}. */
export type ChatCommand = (typeof CHAT_COMMANDS)[number];

/** Clearance periods (日清、周清、月清). */
export type ChatPeriod = 'daily' | 'weekly' | 'monthly';

/** Instruction disposition grades, I (特别重大) the most severe. */
export type ChatGrade = 'I' | 'II' | 'III' | 'IV';

/** What the argument after the keyword is: an incident/instruction code, a grid code, a bind code. */
export type RefKind = 'code' | 'grid' | 'token' | 'none';

/** One keyword of the vocabulary and what it implies beyond its command. */
export interface CommandKeyword {
  /** As typed after `#`, already NFKC-folded; ASCII keywords match case-insensitively. */
  readonly keyword: string;
  readonly command: Exclude<ChatCommand, 'unknown' | 'none'>;
  /**
   * Accepted at the very start of a message without `#`. Only words that are never the first
   * word of ordinary chat when followed by a pause (收到！ yes, 满意 no: it opens too many
   * sentences and rating without a code is useless anyway).
   */
  readonly bare: boolean;
  /** `#紧急` / `#求助`: a report flagged urgent. */
  readonly urgent?: boolean;
  /** The period a clearance or zero-report keyword names. */
  readonly period?: ChatPeriod;
  /** A rating keyword's verdict. */
  readonly satisfied?: boolean;
  /**
   * Accepted without `#` as the whole answer of a WeChat quote-reply (the quoted message carries
   * the code): a resident answering the bot's 拍拍板 question with `满意` or `不满意 还在漏水`.
   */
  readonly bareInQuote?: boolean;
}

/** Usage and help per command, printed by `#帮助` and in the hint for an unknown `#word`. */
export interface CommandHelp {
  readonly command: Exclude<ChatCommand, 'unknown' | 'none'>;
  /** What the argument after the keyword is, so the parser knows what to look for. */
  readonly ref: RefKind;
  readonly usage: string;
  readonly help: string;
}

const kw = (
  keyword: string,
  command: CommandKeyword['command'],
  bare: boolean,
  extra: Omit<CommandKeyword, 'keyword' | 'command' | 'bare'> = {},
): CommandKeyword => ({ keyword, command, bare, ...extra });

/** All keywords; the parser always takes the longest match, so order does not matter here. */
export const COMMAND_KEYWORDS: readonly CommandKeyword[] = [
  kw('上报', 'report', true),
  kw('报告', 'report', true),
  kw('反映', 'report', true),
  // `紧急：…` / `急！…` open an urgent report; `紧急疏散…` or `急死了` (no pause) stay chat.
  kw('紧急', 'report', true, { urgent: true }),
  kw('急', 'report', true, { urgent: true }),
  kw('求助', 'report', false, { urgent: true }),
  kw('收到', 'ack', true),
  kw('已收到', 'ack', true),
  kw('签收', 'ack', false),
  kw('反馈', 'result', true),
  kw('日清', 'clearance', true, { period: 'daily' }),
  kw('周清', 'clearance', true, { period: 'weekly' }),
  kw('月清', 'clearance', true, { period: 'monthly' }),
  kw('零报告', 'zero_report', true, { period: 'daily' }),
  kw('今日零报告', 'zero_report', true, { period: 'daily' }),
  kw('今天零报告', 'zero_report', true, { period: 'daily' }),
  kw('本周零报告', 'zero_report', true, { period: 'weekly' }),
  kw('本月零报告', 'zero_report', true, { period: 'monthly' }),
  kw('处置', 'handle', false),
  kw('已处置', 'handle', false),
  kw('就地处置', 'handle', false),
  kw('进度', 'progress', false),
  kw('查询', 'progress', false),
  kw('办结', 'close', false),
  kw('结案', 'close', false),
  kw('接单', 'start', false),
  kw('退回', 'return', false),
  kw('退单', 'return', false),
  kw('派单', 'dispatch', false),
  kw('交办', 'dispatch', false),
  kw('指令', 'instruct', false),
  kw('下达', 'instruct', false),
  kw('调解', 'mediate', false),
  kw('满意', 'rate', false, { satisfied: true, bareInQuote: true }),
  kw('不满意', 'rate', false, { satisfied: false, bareInQuote: true }),
  kw('评价', 'rate', false),
  kw('绑定', 'bind', false),
  kw('绑定群', 'bind_group', false),
  kw('帮助', 'help', true),
  kw('help', 'help', false),
  kw('菜单', 'help', false),
];

/** Help per command, in the order `#帮助` lists them. */
export const COMMAND_HELP: readonly CommandHelp[] = [
  { command: 'report', ref: 'none', usage: '#上报 地点+问题', help: '上报事件，可加【紧急】或类别标签，随后发照片' },
  { command: 'ack', ref: 'code', usage: '#收到 指令编号', help: '签收指令（引用指令回复"收到"也可）' },
  { command: 'result', ref: 'code', usage: '#反馈 指令编号 结果', help: '反馈指令落实结果' },
  { command: 'clearance', ref: 'none', usage: '#日清 / #周清 / #月清 说明', help: '确认本期事项已清' },
  { command: 'zero_report', ref: 'none', usage: '#零报告', help: '今日无事件，报平安' },
  { command: 'handle', ref: 'code', usage: '#处置 事件编号 处理情况', help: '就地处置完毕' },
  { command: 'progress', ref: 'code', usage: '#进度 事件编号', help: '查询事件或指令进度' },
  { command: 'close', ref: 'code', usage: '#办结 事件编号 说明', help: '办结事件（部门办结派给本部门的事件，中心结案）' },
  { command: 'start', ref: 'code', usage: '#接单 事件编号', help: '部门接单，开始处置' },
  { command: 'return', ref: 'code', usage: '#退回 事件编号 原因', help: '部门退回不属本部门的事件' },
  { command: 'dispatch', ref: 'code', usage: '#派单 事件编号 部门', help: '把事件派给职能部门' },
  { command: 'instruct', ref: 'none', usage: '#指令 重大 内容', help: '按等级（特别重大/重大/较大/一般）下达指令' },
  { command: 'mediate', ref: 'code', usage: '#调解 事件编号 成功/失败 说明', help: '记录一次调解' },
  { command: 'rate', ref: 'code', usage: '#满意 事件编号 / #不满意 事件编号 原因', help: '评价处置结果（引用评价提问回复"满意"也可），不满意将重新办理' },
  { command: 'bind', ref: 'token', usage: '#绑定 绑定码', help: '把微信号绑定到网格成员' },
  { command: 'bind_group', ref: 'grid', usage: '#绑定群 网格编码', help: '把本群绑定到网格' },
  { command: 'help', ref: 'none', usage: '#帮助', help: '查看指令说明' },
];

const helpByCommand = new Map<ChatCommand, CommandHelp>(COMMAND_HELP.map((h) => [h.command, h]));

/** The help entry of a command, or undefined for `unknown` / `none`. */
export const commandHelp = (command: ChatCommand): CommandHelp | undefined => helpByCommand.get(command);

/** The keywords that start `command`, for hints ("也可以写 #报告"). */
export const keywordsOf = (command: ChatCommand): string[] =>
  COMMAND_KEYWORDS.filter((k) => k.command === command).map((k) => k.keyword);

/** The whole `#帮助` reply, one line per command, printed from the table. */
export function helpText(): string {
  return COMMAND_HELP.map((h) => `${h.usage}：${h.help}`).join('\n');
}

// Longest first, so `#不满意` never reads as `#满意` and `#绑定群` never as `#绑定`.
const byLength = [...COMMAND_KEYWORDS].sort((a, b) => b.keyword.length - a.keyword.length);
const bareByLength = byLength.filter((k) => k.bare);

// After a bare keyword: the end, white space, a pause mark, a WeChat emoji code `[强]` or an
// emoji. Question marks are left out on purpose: `收到？` asks "did you get it?", it is not an ack.
const BARE_BOUNDARY = /^(?:$|[\s:,.!;。、~…\-—[【]|\p{Extended_Pictographic})/u;

/**
 * The longest keyword that `text` (NFKC-folded, after `#`) starts with. An ASCII keyword
 * must not run on into more ASCII letters (`#helpme` is not `#help`).
 */
export function matchHashKeyword(text: string): CommandKeyword | undefined {
  const lower = text.slice(0, 8).toLowerCase();
  return byLength.find(
    (k) =>
      lower.startsWith(k.keyword) &&
      !(/[a-z]$/.test(k.keyword) && /^[a-z]/.test(lower.slice(k.keyword.length))) &&
      // A one-character keyword (`#急`) must stand alone: `#急救车…` is not `#急 救车…`.
      (k.keyword.length > 1 || BARE_BOUNDARY.test(text.slice(1))),
  );
}

/**
 * The longest bare keyword `text` (NFKC-folded, trimmed) starts with, followed by a boundary;
 * in a quote-reply (`inQuote`) the keywords marked `bareInQuote` count too.
 */
export function matchBareKeyword(text: string, inQuote = false): CommandKeyword | undefined {
  return (inQuote ? byLength.filter((k) => k.bare || k.bareInQuote) : bareByLength).find((k) => text.startsWith(k.keyword) && BARE_BOUNDARY.test(text.slice(k.keyword.length)));
}

/**
 * Grade words as grid workers type them (after NFKC, so Ⅰ..Ⅳ arrive as I..IV). Matched
 * longest first and case-insensitively; bare Roman numerals must stand alone (`II 请…`).
 */
export const GRADE_FORMS: Readonly<Record<ChatGrade, readonly string[]>> = {
  I: ['特别重大', 'I级', '一级', '1级', 'I'],
  II: ['重大', 'II级', '二级', '2级', 'II'],
  III: ['较大', 'III级', '三级', '3级', 'III'],
  IV: ['一般', 'IV级', '四级', '4级', 'IV'],
};

/** Mediation outcomes (`#调解 CODE 失败 …`); failure forms contain success ones, so they come first. */
export const OUTCOME_FORMS: Readonly<Record<'failure' | 'success', readonly string[]>> = {
  failure: ['调解失败', '失败', '调解不成', '不成功', '未成功', '未达成一致', '没达成一致', '未达成', '没谈拢', '未果'],
  success: ['调解成功', '成功', '达成一致', '达成协议', '已和解', '和解'],
};

/** Rating words for `#评价 CODE 满意`; the negative ones contain the positive ones. */
export const SATISFACTION_FORMS: Readonly<Record<'no' | 'yes', readonly string[]>> = {
  no: ['不满意', '不太满意', '很不满意', '非常不满意'],
  yes: ['满意', '非常满意', '很满意', '基本满意'],
};

/** Tags (`【紧急】`) and leading words that flag a report urgent. */
export const URGENT_TAGS: readonly string[] = ['紧急', '特急', '加急', '急', '求助'];
