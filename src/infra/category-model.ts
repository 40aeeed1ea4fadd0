import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CategoryClassifier, type CategoryModel } from '../domain/chat/category-classifier.js';

/** The repository root (the folder with package.json), from src/… or dist/src/… alike. */
export function repositoryRoot(from = __dirname): string {
  for (let dir = resolve(from); ; dir = resolve(dir, '..')) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      if (resolve(dir, '..') === dir) throw new Error(`no package.json above ${from}`);
    }
  }
}

/** Where `npm run train` writes the committed model. */
export const categoryModelFile = (): string => join(repositoryRoot(), 'data', 'category-model.json');

/** Reads the model file and builds the classifier (call once, at start-up). */
export function loadCategoryClassifier(file = categoryModelFile()): CategoryClassifier {
  return CategoryClassifier.fromModel(JSON.parse(readFileSync(file, 'utf8')) as CategoryModel);
}
