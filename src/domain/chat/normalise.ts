import { Converter } from 'opencc-js/t2cn';

/**
 * Text normalisation for everything the bot reads, before any keyword or category rule: some
 * workers' phones send Traditional characters (`上報`, `處置`, `緊急`, `壞了`) and most send
 * full-width punctuation and digits, so both are folded to the forms the rules are written in.
 *
 * The converter is OpenCC's Taiwan → Mainland table (`opencc-js`), character and phrase level,
 * without the Taiwan idiom swaps (`twp` would also rewrite 建立 → 创建 in Simplified text). It
 * leaves Simplified text unchanged and keeps the length of what it converts.
 */
type Convert = (text: string) => string;

// Building the converter parses OpenCC's tables (~50 ms): done on first use, once.
let toSimplifiedTable: Convert | undefined;
const converter = (): Convert => (toSimplifiedTable ??= Converter({ from: 'tw', to: 'cn' }));

/** Traditional Chinese → Simplified (`樓道裏電動車著火了` → `楼道里电动车着火了`). */
export const toSimplified = (text: string): string => converter()(text);

/** Full-width letters, digits and punctuation → their ASCII forms (`＃上报：３栋` → `#上报:3栋`). */
export const foldWidth = (text: string): string => text.normalize('NFKC');

/**
 * What the parser and the classifier read: full-width folded, then Simplified. Total (never
 * throws), and idempotent: `normaliseChatText(normaliseChatText(x)) === normaliseChatText(x)`.
 */
export function normaliseChatText(text: string): string {
  const folded = foldWidth(String(text ?? ''));
  // Pure ASCII has nothing to convert: skip the table walk for commands like `#日清 OK`.
  return /[\u0080-\uffff]/.test(folded) ? toSimplified(folded) : folded;
}

/**
 * Loads the conversion tables now rather than on the first message (call once at start-up so
 * the first report in a group is not the one that pays for it).
 */
export function warmUpNormaliser(): void {
  converter();
}
