import { openccToSimplified } from './opencc.js';

/**
 * Text normalisation for everything the bot reads, before any keyword or category rule: some
 * workers' phones send Traditional characters (`上報`, `處置`, `緊急`, `壞了`) and most send
 * full-width punctuation and digits, so both are folded to the forms the rules are written in.
 *
 * The converter is OpenCC's Traditional → Simplified chain (`opencc-js`, `t` → `cn`), character
 * and phrase level. Not the Taiwan tables: `tw` turns the 著 of Simplified 显著 into 着, and `twp`
 * also rewrites 建立 → 创建. It leaves Simplified text unchanged (checked on the seed reports).
 */
type Convert = (text: string) => string;

interface Tables {
  readonly convert: Convert;
  /** Every character some table entry changes: text without any of them converts to itself. */
  readonly changing: ReadonlySet<string>;
}

// Building the tables parses OpenCC's dictionaries (~50 ms): done on first use, once.
let tables: Tables | undefined;

function load(): Tables {
  const { Converter, Locale } = openccToSimplified;
  const changing = new Set<string>();
  for (const group of [...(Locale.from['t'] ?? []), ...(Locale.to['cn'] ?? [])]) {
    for (const dict of group) {
      const entries: ReadonlyArray<readonly [string, string]> =
        typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ') as [string, string]) : dict;
      for (const [from = '', to = ''] of entries) {
        const a = Array.from(from);
        const b = Array.from(to);
        a.forEach((ch, i) => {
          if (a.length !== b.length || ch !== b[i]) changing.add(ch);
        });
      }
    }
  }
  return { convert: Converter({ from: 't', to: 'cn' }), changing };
}

/** Traditional Chinese → Simplified (`樓道裏電動車起火了` → `楼道里电动车起火了`). */
export function toSimplified(text: string): string {
  const t = (tables ??= load());
  // Most messages are Simplified already: one set lookup per character instead of the trie walk.
  for (const ch of text) if (t.changing.has(ch)) return t.convert(text);
  return text;
}

/** Full-width letters, digits and punctuation → their ASCII forms (`＃上报：３栋` → `#上报:3栋`). */
export const foldWidth = (text: string): string => text.normalize('NFKC');

/**
 * What the parser and the classifier read: full-width folded, then Simplified. Total (never
 * throws), and idempotent: `normaliseChatText(normaliseChatText(x)) === normaliseChatText(x)`.
 */
export const normaliseChatText = (text: string): string => toSimplified(foldWidth(String(text ?? '')));

/**
 * Loads the conversion tables now rather than on the first message (call once at start-up so
 * the first report in a group is not the one that pays for it).
 */
export function warmUpNormaliser(): void {
  tables ??= load();
}
