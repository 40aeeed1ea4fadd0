import { categoryByLabel, isCategoryId, type CategoryId } from '../categories.js';
import { LOOSE_CODE_PATTERN, findCode } from '../codes.js';
import type { CategoryGuess } from './category-classifier.js';
import { classifyCategory } from './category-dictionary.js';
import { normaliseChatText } from './normalise.js';
import {
  GRADE_FORMS,
  OUTCOME_FORMS,
  SATISFACTION_FORMS,
  URGENT_TAGS,
  commandHelp,
  matchBareKeyword,
  matchHashKeyword,
  type ChatCommand,
  type ChatGrade,
  type ChatPeriod,
  type CommandKeyword,
} from './chat-commands.js';

/** What a category function says about one report's text. */
export interface CategoryVerdict {
  readonly category: CategoryId;
  /** 0..1, or null when the function gives none (the keyword dictionary alone). */
  readonly confidence: number | null;
  /** The two best guesses when the report was filed as `other` for want of confidence, else empty. */
  readonly guesses: readonly CategoryGuess[];
}

/**
 * Classifies a report's text; null when it cannot tell anything (no text). The composition
 * root passes the trained classifier's (see `categoriseWith`); without one the parser falls
 * back to the keyword dictionary.
 */
export type Categorise = (text: string) => CategoryVerdict | null;

/** The keyword dictionary alone: a category only when one of its words occurs, no confidence. */
export const dictionaryCategorise: Categorise = (text) => {
  const category = classifyCategory(text);
  return category === null ? null : { category, confidence: null, guesses: [] };
};

/** What the bot understood in one chat message (docs/bot-language.md). */
export interface ParsedMessage {
  command: ChatCommand;
  /** A normalised incident/instruction code, the grid code of `#绑定群`, or the code of `#绑定`. */
  ref: string | null;
  urgent: boolean;
  category: CategoryId | null;
  /** The category's confidence (0..1): 1 for a tag, null when not classified or the dictionary guessed. */
  confidence: number | null;
  /** A report filed as `other` for want of confidence: the classifier's two best guesses, else empty. */
  guesses: readonly CategoryGuess[];
  grade: ChatGrade | null;
  period: ChatPeriod | null;
  outcome: 'success' | 'failure' | null;
  satisfied: boolean | null;
  /** Free text after the command, ref and grade/outcome words, trimmed. */
  text: string;
  /** In a WeChat quote-reply, the quoted message (without its author), else null. */
  quoted?: string | null;
  /** In a quote-reply, the author of the quoted message, else null. */
  quotedFrom?: string | null;
  /** Names of the leading @-mentions, as typed. */
  mentions?: string[];
  /**
   * The command was a bare keyword (`收到`), not a `#` command. A bare `收到` is also how people
   * answer any notice in a group, so a plugin may read it as chat when nothing awaits it.
   */
  bare?: boolean;
}

/** Only this many characters are read: a command never needs more, and it bounds the work. */
export const MAX_PARSE_CHARS = 4000;

type Fields = Omit<ParsedMessage, 'quoted' | 'quotedFrom' | 'mentions'>;

const emptyFields = (text: string): Fields => ({
  command: 'none',
  ref: null,
  urgent: false,
  category: null,
  confidence: null,
  guesses: [],
  grade: null,
  period: null,
  outcome: null,
  satisfied: null,
  text,
});
const blank = (text: string): ParsedMessage => ({ ...emptyFields(text), quoted: null, quotedFrom: null, mentions: [] });

/**
 * Parses one chat message. Pure and total: never throws, whatever arrives from the puppet
 * (garbage, lone surrogates, control characters, megabytes).
 */
export function parseMessage(text: string, categorise: Categorise = dictionaryCategorise): ParsedMessage {
  try {
    return parse(text, categorise);
  } catch {
    // The rules below are written not to throw; this is the backstop that keeps one odd
    // message from taking a group's bot plugin down with it.
    return blank('');
  }
}

/** The JSON object of `gridhub parse --json`: exactly the keys of docs/bot-language.md#reading-a-message. */
export function describeParsed(p: ParsedMessage): {
  command: ChatCommand;
  ref: string | null;
  urgent: boolean;
  category: CategoryId | null;
  confidence: number | null;
  guesses: readonly CategoryGuess[];
  grade: ChatGrade | null;
  period: ChatPeriod | null;
  outcome: 'success' | 'failure' | null;
  satisfied: boolean | null;
  text: string;
} {
  const { command, ref, urgent, category, confidence, guesses, grade, period, outcome, satisfied, text } = p;
  return { command, ref, urgent, category, confidence, guesses, grade, period, outcome, satisfied, text };
}

// Control and format characters (zero-width spaces, BOMs, bidi marks) that clients sprinkle
// into messages; the line feed stays because reports and quote-replies are multi-line.
const INVISIBLE = /(?!\n)[\p{Cc}\p{Cf}]/gu;
// 「name：quoted」, a line of spaced dashes, then the reply (WeChat's quote-reply text form).
const QUOTE_REPLY = /^\s*「([\s\S]*?)」[^\S\n]*\n[^\S\n]*(?:[-－—][^\S\n]*){3,}\n([\s\S]*)$/;
// One leading mention: `@name` ended by a space or U+2005 (both are \s) or the message end.
const MENTION = /^[@＠﹫]([^\s@＠﹫]+)(?:\s+|$|(?=[@＠﹫]))/;
// What may sit between a keyword and its argument (`上报：…`, `#上报, …`).
const SEPARATORS = /^[\s:,.!;。、~…\-—]+/;
const URGENT_LEAD = new RegExp(`^(?:${URGENT_TAGS.filter((w) => w.length > 1).join('|')})(?=[\\s:,.!;。、~…\\-—]|$)`);

function parse(input: string, categorise: Categorise): ParsedMessage {
  let raw = typeof input === 'string' ? input : input == null ? '' : String(input);
  if (raw.length > MAX_PARSE_CHARS) raw = raw.slice(0, MAX_PARSE_CHARS);
  raw = raw.replace(/\r\n?/g, '\n').replace(INVISIBLE, (c) => (c === '\t' ? ' ' : ''));

  let quoted: string | null = null;
  let quotedFrom: string | null = null;
  const quote = QUOTE_REPLY.exec(raw);
  if (quote) {
    const inner = normaliseChatText(quote[1]!);
    const colon = inner.search(/[:：]/);
    quotedFrom = colon > 0 ? inner.slice(0, colon).trim() : null;
    quoted = (colon > 0 ? inner.slice(colon + 1) : inner).trim();
    raw = quote[2]!;
  }

  // Mentions are taken before folding so names come back exactly as typed.
  const mentions: string[] = [];
  let rest = raw.trimStart();
  for (let m = MENTION.exec(rest); m && mentions.length < 50; m = MENTION.exec(rest)) {
    mentions.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  // Full-width folding and Traditional → Simplified (上報, 處置, 緊急) before any rule.
  const body = normaliseChatText(rest).trim();
  const base = { ...blank(body.replace(/[^\S\n]+/g, ' ')), quoted, quotedFrom, mentions };

  let keyword: CommandKeyword | undefined;
  let args: string;
  if (body.startsWith('#')) {
    const afterHash = body.slice(1).trimStart();
    // A lone `#` (or `#` and nothing but pauses) is chat, not an unknown command.
    if (afterHash.replace(SEPARATORS, '') === '') return base;
    keyword = matchHashKeyword(afterHash);
    if (!keyword) return { ...base, command: 'unknown', text: tidy(afterHash) };
    args = afterHash.slice(keyword.keyword.length);
  } else {
    keyword = matchBareKeyword(body, quoted !== null);
    if (!keyword) return base;
    args = body.slice(keyword.keyword.length);
  }
  return { ...readArguments(keyword, tidy(args), quoted, categorise), quoted, quotedFrom, mentions, bare: !body.startsWith('#') };
}

/** Collapses runs of spaces, keeps line breaks, trims, and drops a leading `：`-like separator. */
function tidy(s: string): string {
  return s
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim()
    .replace(SEPARATORS, '');
}

function readArguments(k: CommandKeyword, args: string, quoted: string | null, categorise: Categorise): Fields {
  const f: Fields = { ...emptyFields(args), command: k.command, urgent: k.urgent ?? false, period: k.period ?? null };
  const kind = commandHelp(k.command)?.ref ?? 'none';
  if (kind === 'code') {
    const taken = takeCode(args);
    f.ref = taken.ref ?? (quoted === null ? null : findCode(quoted));
    f.text = taken.rest;
  } else if (kind === 'grid' || kind === 'token') {
    const m = /^[A-Za-z0-9][A-Za-z0-9_-]*/.exec(args);
    f.ref = m ? (kind === 'grid' ? m[0].toUpperCase() : m[0]) : null;
    f.text = m ? tidy(args.slice(m[0].length)) : args;
  }

  switch (f.command) {
    case 'report':
    case 'handle': {
      const tagged = readTags(f.text);
      f.text = tagged.text;
      if (f.command === 'report') {
        // `#上报 紧急：…` but not `#上报 紧急疏散通道被堵`: the word must be followed by a pause.
        const lead = URGENT_LEAD.exec(f.text);
        if (lead) f.text = tidy(f.text.slice(lead[0].length));
        f.urgent = f.urgent || tagged.urgent || lead !== null;
      }
      // A handle of a known incident keeps its category; one without a code is a new incident
      // reported and handled at once, so it is classified like a report.
      if (f.command === 'report' || f.ref === null) {
        const verdict = tagged.category ? { category: tagged.category, confidence: 1, guesses: [] } : (categorise(f.text) ?? (quoted ? categorise(quoted) : null));
        if (verdict) Object.assign(f, { category: verdict.category, confidence: verdict.confidence, guesses: verdict.guesses });
      }
      break;
    }
    case 'clearance': {
      // `#日清 零报告`: a clearance round answered with "nothing to report".
      const at = f.text.indexOf('零报告');
      if (at >= 0) {
        f.command = 'zero_report';
        f.text = tidy(f.text.slice(0, at) + ' ' + f.text.slice(at + 3));
      }
      break;
    }
    case 'zero_report': {
      const lead = leading(f.text, ['日清', '周清', '月清']);
      if (lead) {
        f.period = lead.word === '周清' ? 'weekly' : lead.word === '月清' ? 'monthly' : 'daily';
        f.text = lead.rest;
      }
      break;
    }
    case 'instruct':
      Object.assign(f, readGrade(f.text));
      break;
    case 'mediate': {
      const lead = leading(f.text, [...OUTCOME_FORMS.failure, ...OUTCOME_FORMS.success]);
      if (lead) {
        f.outcome = OUTCOME_FORMS.failure.includes(lead.word) ? 'failure' : 'success';
        f.text = lead.rest;
      } else {
        const hit = firstOf(f.text, [...OUTCOME_FORMS.failure, ...OUTCOME_FORMS.success]);
        f.outcome = hit === null ? null : OUTCOME_FORMS.failure.includes(hit) ? 'failure' : 'success';
      }
      break;
    }
    case 'rate': {
      if (k.satisfied !== undefined) {
        f.satisfied = k.satisfied;
        break;
      }
      const all = [...SATISFACTION_FORMS.no, ...SATISFACTION_FORMS.yes];
      const lead = leading(f.text, all);
      const hit = lead?.word ?? firstOf(f.text, all);
      f.satisfied = hit === null ? null : !SATISFACTION_FORMS.no.includes(hit);
      if (lead) f.text = lead.rest;
      break;
    }
    default:
      break;
  }
  return f;
}

/** The first loosely typed code in `args`, normalised, and the text without it. */
function takeCode(args: string): { ref: string | null; rest: string } {
  const m = LOOSE_CODE_PATTERN.exec(args);
  const ref = m ? findCode(m[0]) : null;
  if (!m || ref === null) return { ref: null, rest: args };
  return { ref, rest: tidy(`${args.slice(0, m.index)} ${args.slice(m.index + m[0].length)}`) };
}

/** `【紧急】【安全隐患】…`: urgency and category tags, removed from the text when understood. */
function readTags(text: string): { text: string; urgent: boolean; category: CategoryId | null } {
  let urgent = false;
  let category: CategoryId | null = null;
  const rest = text.replace(/[【[]([^【】[\]\n]{1,16})[】\]]/g, (tag, inner: string) => {
    const word = inner.trim();
    if (URGENT_TAGS.includes(word)) {
      urgent = true;
      return ' ';
    }
    const id = categoryByLabel(word) ?? (isCategoryId(word) ? word : undefined);
    if (id && category === null) {
      category = id;
      return ' ';
    }
    return tag;
  });
  return { text: tidy(rest), urgent, category };
}

const GRADE_BY_FORM = new Map<string, ChatGrade>(
  (Object.entries(GRADE_FORMS) as [ChatGrade, readonly string[]][]).flatMap(([g, forms]) =>
    forms.map((form) => [form.toLowerCase(), g] as [string, ChatGrade]),
  ),
);
const GRADE_WORDS = [...GRADE_BY_FORM.keys()];
// Elsewhere in the text only unmistakable forms count: "三级网格" must not make a grade III.
const GRADE_ANYWHERE = /(?<![A-Za-z0-9])(IV|III|II|I|[1-4一二三四])\s*级\s*响应|(特别重大|重大|较大|一般)(?:突发)?事件/i;

function readGrade(text: string): { grade: ChatGrade | null; text: string } {
  text = text.replace(/^(IV|III|II|I|[1-4一二三四])\s+级/i, '$1级');
  const tag = /^[【[(（]\s*([^】\])）]{1,8}?)\s*[】\])）]/.exec(text);
  const tagged = tag ? GRADE_BY_FORM.get(tag[1]!.toLowerCase()) : undefined;
  if (tag && tagged) return { grade: tagged, text: tidy(text.slice(tag[0].length)) };
  const lead = leading(text, GRADE_WORDS, true);
  if (lead) {
    // `一级响应`: the 响应 belongs to the grade, not to the instruction's text.
    return { grade: GRADE_BY_FORM.get(lead.word)!, text: tidy(lead.rest.replace(/^响应/, '')) };
  }
  const m = GRADE_ANYWHERE.exec(text);
  const word = m ? (m[1] !== undefined ? `${m[1]}级` : m[2]!) : null;
  return { grade: word === null ? null : (GRADE_BY_FORM.get(word.toLowerCase()) ?? null), text };
}

/**
 * The longest of `words` that `text` starts with, and the text after it. A word ending in an
 * ASCII letter must not run on into another letter or digit (`I` is not the start of `I2026…`).
 */
function leading(text: string, words: readonly string[], caseless = false): { word: string; rest: string } | null {
  const head = caseless ? text.slice(0, 16).toLowerCase() : text.slice(0, 16);
  let best: string | null = null;
  for (const w of words) {
    if (!head.startsWith(w) || (best !== null && best.length >= w.length)) continue;
    if (/[a-z]$/i.test(w) && /^[a-z0-9]/i.test(head.slice(w.length))) continue;
    best = w;
  }
  return best === null ? null : { word: best, rest: tidy(text.slice(best.length)) };
}

/** The word of `words` that occurs first in `text` (the longest one at that position), or null. */
function firstOf(text: string, words: readonly string[]): string | null {
  let best: string | null = null;
  let bestAt = Infinity;
  for (const w of words) {
    const at = text.indexOf(w);
    if (at >= 0 && (at < bestAt || (at === bestAt && w.length > best!.length))) {
      best = w;
      bestAt = at;
    }
  }
  return best;
}
