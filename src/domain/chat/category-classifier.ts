import { Jieba } from '@node-rs/jieba';
import { isCategoryId, type CategoryId } from '../categories.js';
import { classifyCategory, scoreCategories } from './category-dictionary.js';
import { featureText, visitFeatures } from './category-features.js';
import { normaliseChatText } from './normalise.js';
import type { Categorise } from './parse-message.js';

/**
 * The incident-category classifier: multinomial logistic regression over the words
 * (`@node-rs/jieba`) and character bigrams of a report, trained by `npm run train` on the
 * project's own labelled corpus (data/chat-corpus), combined with the keyword dictionary where
 * the dictionary is sure.
 *
 * Below the model's confidence threshold the report is filed as `other`, and the two best
 * guesses go with it so the centre can re-categorise in one click.
 */
export const CATEGORY_MODEL_FORMAT = 'gridhub-category-model/1';

/** The model file (data/category-model.json), as the training script writes it. */
export interface CategoryModel {
  readonly format: typeof CATEGORY_MODEL_FORMAT;
  /** Column order of `weights` and `bias`. */
  readonly categories: readonly CategoryId[];
  /** jieba dictionary lines (`word freq tag`) for the words the model knows. */
  readonly segmenterDictionary: string;
  /** The features, one a line (a `\n`-joined string parses far faster than a JSON array). */
  readonly vocabulary: string;
  /**
   * `features × categories` weights, one row per feature, as little-endian int16 in base64:
   * weight = int16 × `weightScale`. A JSON array of 150,000 numbers takes ~100 ms to parse on a
   * busy machine; this decodes in about one.
   */
  readonly weights: string;
  readonly weightScale: number;
  readonly bias: readonly number[];
  /** The dictionary counts where its best category has at least `minScore` and leads the next by `minMargin`. */
  readonly dictionary: { readonly minScore: number; readonly minMargin: number; readonly weight: number };
  /** Below this confidence the result is `other` with the two best guesses. */
  readonly threshold: number;
  /** What the training run measured (corpus size, k-fold accuracy, F1 per category, …). */
  readonly trained?: Readonly<Record<string, unknown>>;
}

export interface CategoryGuess {
  readonly category: CategoryId;
  /** The model's probability for this category, 0..1. */
  readonly confidence: number;
}

export interface CategoryResult {
  /** The category to file: the best guess, or `other` when it is below the threshold. */
  readonly category: CategoryId;
  /** The filed category's probability; the first guess's when `category` fell back to `other`. */
  readonly confidence: number;
  /**
   * The two best guesses, best first; when the report fell back to `other` for want of
   * confidence, the two best categories other than `other`.
   */
  readonly guesses: readonly [CategoryGuess, CategoryGuess];
  /**
   * False when the best guess was below the threshold (and not the dictionary's sure verdict, nor
   * a guess a dictionary word names) and the report was filed as `other`.
   */
  readonly sure: boolean;
  /** The keyword dictionary was sure and was counted in. */
  readonly dictionary: boolean;
}

export class CategoryClassifier {
  private readonly index = new Map<string, number>();
  private readonly weights: Int16Array;
  private readonly scale: number;
  private readonly bias: Float64Array;
  private readonly categories: readonly CategoryId[];
  private readonly column: ReadonlyMap<CategoryId, number>;
  private readonly segmenter: Jieba;

  private constructor(readonly model: CategoryModel) {
    const k = model.categories.length;
    this.categories = model.categories;
    this.column = new Map(model.categories.map((c, i) => [c, i]));
    const vocabulary = model.vocabulary ? model.vocabulary.split('\n') : [];
    vocabulary.forEach((feature, i) => this.index.set(feature, i));
    const bytes = Buffer.from(model.weights, 'base64');
    // Copied into an aligned buffer: a Buffer from base64 may start at an odd offset.
    this.weights = new Int16Array(new Uint8Array(bytes).buffer);
    this.scale = model.weightScale;
    this.bias = Float64Array.from(model.bias);
    if (k < 2 || this.bias.length !== k || this.weights.length !== vocabulary.length * k || !(this.scale > 0)) {
      throw new Error(`category model: ${k} categories, ${this.bias.length} biases, ${this.weights.length} weights for ${vocabulary.length} features`);
    }
    this.segmenter = model.segmenterDictionary ? Jieba.withDict(Buffer.from(model.segmenterDictionary)) : new Jieba();
  }

  /** Checks the model's shape and builds the classifier (a few milliseconds). */
  static fromModel(model: CategoryModel): CategoryClassifier {
    const format: string = model.format;
    if (format !== CATEGORY_MODEL_FORMAT) throw new Error(`category model: format "${format}", expected "${CATEGORY_MODEL_FORMAT}"`);
    const unknown = model.categories.filter((c) => !isCategoryId(c));
    if (unknown.length) throw new Error(`category model: unknown categories ${unknown.join(', ')}`);
    if (!model.categories.includes('other')) throw new Error('category model: the categories must include other');
    return new CategoryClassifier(model);
  }

  /** The model's log-odds per category (in `model.categories` order), before the dictionary. */
  logits(text: string): Float64Array {
    return this.logitsOfNormalised(normaliseChatText(text));
  }

  private logitsOfNormalised(normalised: string): Float64Array {
    const k = this.categories.length;
    const out = Float64Array.from(this.bias);
    // Rows of the known features, each once. Unknown features are not counted: the training
    // script scales by the same count (1/√n over the features the model knows).
    const rows = new Set<number>();
    visitFeatures(featureText(normalised), this.segmenter, (f) => {
      const row = this.index.get(f);
      if (row !== undefined) rows.add(row);
    });
    if (!rows.size) return out;
    const scale = this.scale / Math.sqrt(rows.size);
    for (const row of rows) {
      const base = row * k;
      for (let c = 0; c < k; c++) out[c]! += this.weights[base + c]! * scale;
    }
    return out;
  }

  /**
   * The dictionary's verdict when it is sure (its best category scores at least `minScore` and
   * leads the next one by `minMargin`), else null.
   */
  dictionaryVerdict(text: string, rule = this.model.dictionary): CategoryId | null {
    return this.verdictOfNormalised(normaliseChatText(text), rule);
  }

  private verdictOfNormalised(normalised: string, rule: CategoryModel['dictionary']): CategoryId | null {
    let best: CategoryId | null = null;
    let top = 0;
    let second = 0;
    for (const [category, score] of scoreCategories(normalised)) {
      if (score > top) {
        second = top;
        top = score;
        best = category;
      } else if (score > second) second = score;
    }
    return best && top >= rule.minScore && top - second >= rule.minMargin ? best : null;
  }

  /** Classifies one report (pure, total: any string, also empty). */
  classify(text: string, rule = this.model.dictionary, threshold = this.model.threshold): CategoryResult {
    const normalised = normaliseChatText(text);
    const z = this.logitsOfNormalised(normalised);
    const verdict = rule.weight > 0 ? this.verdictOfNormalised(normalised, rule) : null;
    const column = verdict ? this.column.get(verdict) : undefined;
    if (column !== undefined) z[column]! += rule.weight;
    const p = softmax(z);
    const [a, b] = this.twoBest(p);
    // A dictionary word that names the category outright is as good as a confident model. Text
    // without a Chinese character (`ok 👌`) says nothing the model was trained on: never sure.
    const chinese = HAN.test(normalised);
    const sure = chinese && (p[a]! >= threshold || (verdict !== null && this.categories[a] === verdict));
    // Filed as `other` for want of confidence: the two guesses for the centre are the two best
    // real categories (`other` as a guess would give it nothing to re-categorise to).
    const [ga, gb] = sure ? [a, b] : this.twoBest(p, this.column.get('other'));
    const guesses = [
      { category: this.categories[ga]!, confidence: p[ga]! },
      { category: this.categories[gb]!, confidence: p[gb]! },
    ] as const;
    if (!sure && chinese) {
      // Unsure, but a dictionary word (even one) names one of the two guesses: the two agree, so
      // that one is filed rather than `other` (`3栋下水道篦子破损`: 篦子 and the model's second guess).
      const named = classifyCategory(normalised);
      const agreed = named === null ? undefined : guesses.find((g) => g.category === named);
      if (agreed) return { category: agreed.category, confidence: agreed.confidence, guesses, sure: true, dictionary: true };
    }
    return { category: sure ? guesses[0].category : 'other', confidence: guesses[0].confidence, guesses, sure, dictionary: column !== undefined };
  }

  /** The columns of the two highest probabilities, best first, leaving out column `skip`. */
  private twoBest(p: Float64Array, skip = -1): [number, number] {
    let a = -1;
    let b = -1;
    for (let c = 0; c < p.length; c++) {
      if (c === skip) continue;
      if (a < 0 || p[c]! > p[a]!) [a, b] = [c, a];
      else if (b < 0 || p[c]! > p[b]!) b = c;
    }
    return [a, b];
  }
}

const HAN = /\p{Script=Han}/u;

/** Softmax, stable for large log-odds. */
export function softmax(z: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < z.length; i++) max = Math.max(max, z[i]!);
  const out = new Float64Array(z.length);
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += out[i] = Math.exp(z[i]! - max);
  for (let i = 0; i < z.length; i++) out[i]! /= sum;
  return out;
}

/**
 * The parser's category function backed by a classifier: the category to file, the best
 * guess's confidence, and the two guesses when the report is filed as `other` for want of
 * confidence. Blank text gives null (the parser then reads a quote-reply's quoted part).
 */
export function categoriseWith(classifier: Pick<CategoryClassifier, 'classify'>): Categorise {
  return (text) => {
    if (!text.trim()) return null;
    const r = classifier.classify(text);
    return { category: r.category, confidence: r.confidence, guesses: r.sure ? [] : r.guesses };
  };
}
