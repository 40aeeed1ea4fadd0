import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCategoryId, type CategoryId } from '../domain/categories.js';
import { repositoryRoot } from '../infra/category-model.js';

/** The labelled corpus the category classifier is trained on, and its held-out test set. */
export interface LabelledReport {
  readonly category: CategoryId;
  readonly text: string;
  /**
   * Where the line comes from (`sanitation.txt:42`): the generated variants of one hand-written
   * situation share it, so cross-validation keeps them in the same fold.
   */
  readonly source: string;
}

export const CORPUS_DIR = (): string => join(repositoryRoot(), 'data', 'chat-corpus');
export const CORPUS_FILE = (): string => join(CORPUS_DIR(), 'reports.tsv');
export const HELD_OUT_FILE = (): string => join(CORPUS_DIR(), 'held-out.tsv');

/**
 * Reads a `category<TAB>text[<TAB>source]` file; a first line starting with `category` is a
 * header, `#` lines are comments. Throws on an unknown category, naming the line.
 */
export function readLabelledReports(file: string): LabelledReport[] {
  const name = file.split(/[\\/]/).pop() ?? file;
  const rows: LabelledReport[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim() || line.startsWith('#') || (i === 0 && line.startsWith('category\t'))) return;
      const [category = '', text = '', source] = line.split('\t');
      if (!isCategoryId(category)) throw new Error(`${name}:${i + 1}: unknown category "${category}"`);
      if (!text.trim()) throw new Error(`${name}:${i + 1}: empty text`);
      rows.push({ category, text, source: source ?? `${name}:${i + 1}` });
    });
  return rows;
}
