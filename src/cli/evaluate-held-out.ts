/**
 * `npm run heldout`: the figures on text the project has never seen (issue 13), with the shipped
 * model loaded as the hub loads it. Writes data/chat-corpus/heldout/results.md and prints it:
 * - sets B, C and D (heldout/reports*.tsv): category accuracy, per-category F1 and the
 *   confusion matrix of each, and the accuracy of all of them together;
 * - the command set (heldout/commands.tsv): command accuracy (command and checked fields);
 * - set A (held-out.tsv), the development set, for comparison.
 * The misses are not printed unless `--misses` is given: read them only after the figures are
 * recorded, since changing the corpus or the parser because of them spends the set.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CATEGORY_IDS, type CategoryId } from '../domain/categories.js';
import { categoriseWith } from '../domain/chat/category-classifier.js';
import { loadCategoryClassifier } from '../infra/category-model.js';
import { CORPUS_DIR, HELD_OUT_FILE, readLabelledReports, type LabelledReport } from './chat-corpus.js';
import { HELD_OUT_DIR, HELD_OUT_REPORT_SETS, commandMisses, readCommandCases, readHeldOutReports } from './held-out.js';
import { confusionTable } from './train-classifier.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function f1(pairs: ReadonlyArray<readonly [CategoryId, CategoryId]>, c: CategoryId): number {
  const tp = pairs.filter(([t, p]) => t === c && p === c).length;
  const predicted = pairs.filter(([, p]) => p === c).length;
  const support = pairs.filter(([t]) => t === c).length;
  return tp ? (2 * tp) / (predicted + support) : 0;
}

function main(): void {
  const t0 = performance.now();
  const classifier = loadCategoryClassifier();
  const loadMs = performance.now() - t0;
  type Pairs = ReadonlyArray<readonly [CategoryId, CategoryId]>;
  const filed = (rows: readonly LabelledReport[]): Pairs => rows.map((r) => [r.category, classifier.classify(r.text).category] as const);
  const accuracy = (pairs: Pairs) => pairs.filter(([t, p]) => t === p).length / pairs.length;
  const sets = HELD_OUT_REPORT_SETS().map(({ name, file }) => {
    const rows = readHeldOutReports(file);
    const results = rows.map((r) => classifier.classify(r.text));
    const pairs: Pairs = rows.map((r, i) => [r.category, results[i]!.category] as const);
    return { name, file: relative(CORPUS_DIR(), file), rows, pairs, unsure: results.filter((r) => !r.sure).length };
  });
  const all = sets.flatMap((x) => x.pairs);
  const setA = readLabelledReports(HELD_OUT_FILE());
  const cases = readCommandCases();
  const misses = commandMisses(cases, categoriseWith(classifier));
  const lines = [
    '# Held-out figures: what `npm run heldout` measured',
    '',
    `Model: data/category-model.json (${Number(classifier.model.trained?.['reports'] ?? 0)} training reports), loaded in ${loadMs.toFixed(1)} ms.`,
    '',
    '| set | size | accuracy |',
    '|---|---|---|',
    ...sets.map((x) => `| ${x.name}: reports never seen (${x.file}), categories | ${x.rows.length} | ${pct(accuracy(x.pairs))} (${x.unsure} filed as \`other\` for want of confidence) |`),
    `| ${sets.map((x) => x.name).join(', ')} together, categories | ${all.length} | ${pct(accuracy(all))} |`,
    `| commands never seen (heldout/commands.tsv): command and checked fields | ${cases.length} | ${pct(1 - misses.length / cases.length)} (${misses.length} wrong) |`,
    `| A: development set (held-out.tsv), categories | ${setA.length} | ${pct(accuracy(filed(setA)))} |`,
    '',
    `| category | ${sets.map((x) => `set ${x.name} F1`).join(' | ')} |`,
    `|---|${sets.map(() => '---|').join('')}`,
    ...CATEGORY_IDS.map((id) => `| ${id} | ${sets.map((x) => f1(x.pairs, id).toFixed(3)).join(' | ')} |`),
    '',
    ...sets.flatMap((x) => [`Set ${x.name} confusion matrix (rows: the true category, columns: what was filed):`, '', ...confusionTable(x.pairs, CATEGORY_IDS), '']),
  ];
  writeFileSync(join(HELD_OUT_DIR(), 'results.md'), lines.join('\n'));
  console.log(lines.join('\n'));
  if (process.argv.includes('--misses')) {
    for (const x of sets) {
      console.log(`set ${x.name} misses:`);
      x.rows.forEach((r, i) => {
        const got = x.pairs[i]![1];
        if (got !== r.category) console.log(`  ${r.category} → ${got}: ${r.text}`);
      });
    }
    console.log('command misses:');
    for (const m of misses) console.log(`  line ${m.case.line}: ${JSON.stringify(m.case.text)} expected ${m.case.command} ${JSON.stringify(m.case.checks)}, got ${JSON.stringify(m.got)}`);
  }
}

if (require.main === module) main();
