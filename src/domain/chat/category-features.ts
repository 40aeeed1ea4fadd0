import { normaliseChatText } from './normalise.js';

/** What the classifier needs of a segmenter (`@node-rs/jieba`'s `Jieba` has it). */
export interface Segmenter {
  cut(sentence: string, hmm?: boolean | null): string[];
}

// Anything that is not a letter, digit or CJK ideograph separates runs (punctuation, spaces,
// emoji, `[捂脸]` brackets). Emoji carry no category, and dropping them keeps the features small.
const SEPARATOR = /[^\p{L}\p{N}]+/u;

/**
 * The text features are read from, given normalised text (`normaliseChatText`): lower-cased,
 * and every number written as `0` (`3栋402` and `12栋101` are the same place to a category).
 */
export const featureText = (normalised: string): string => normalised.toLowerCase().replace(/\d+/g, '0');

/**
 * Calls `visit` with each feature of a report (repeats possible): every character, every
 * character bigram inside a run of letters, and the segmenter's words of three or more
 * characters (shorter words are already there as characters and bigrams: a two-character word
 * and the same bigram tell the same story). Characters and bigrams catch what the segmenter
 * splits oddly (typos, dialect, words it does not know: 锈 in 锈穿, 瘪 in 瘪了); longer words
 * add what two characters cannot hold (面包车, 居住证, 电动车). `prepared` is `featureText` output.
 */
export function visitFeatures(prepared: string, segmenter: Segmenter, visit: (feature: string) => void): void {
  for (const run of prepared.split(SEPARATOR)) {
    if (!run) continue;
    let previous = '';
    for (const ch of run) {
      visit(ch);
      if (previous) visit(previous + ch);
      previous = ch;
    }
    if (run.length < 3) continue;
    for (const word of segmenter.cut(run, false)) if (word.length >= 3) visit(word);
  }
}

/** The distinct features of a raw report (normalised here), for training and for explaining. */
export function categoryFeatures(text: string, segmenter: Segmenter): string[] {
  const out = new Set<string>();
  visitFeatures(featureText(normaliseChatText(text)), segmenter, (f) => out.add(f));
  return [...out];
}
