/**
 * `npm run heldout`: the figures on text the project has never seen (issue 13), with the shipped
 * model loaded as the hub loads it. Writes data/chat-corpus/heldout/results.md and prints it:
 * - sets B (heldout/reports.tsv) and C (heldout/reports-c.tsv): category accuracy, per-category
 *   F1 and the confusion matrix;
 * - the command set (heldout/commands.tsv): command accuracy (command and checked fields);
 * - set A (held-out.tsv), the development set, for comparison.
 * The misses are not printed unless `--misses` is given: read them only after the figures are
 * recorded, since changing the corpus or the parser because of them spends the set.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CATEGORY_IDS, type CategoryId } from '../domain/categories.js';
import { categoriseWith } from '../domain/chat/category-classifier.js';
import { loadCategoryClassifier } from '../infra/category-model.js';
import { HELD_OUT_FILE, readLabelledReports } from './chat-corpus.js';
import { HELD_OUT_DIR, HELD_OUT_REPORTS_C_FILE, commandMisses, readCommandCases, readHeldOutReports } from './held-out.js';
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
  const setB = readHeldOutReports();
  const setC = readHeldOutReports(HELD_OUT_REPORTS_C_FILE());
  const setA = readLabelledReports(HELD_OUT_FILE());
  const filed = (rows: typeof setB) => rows.map((r) => [r.category, classifier.classify(r.text).category] as const);
  const b = filed(setB);
  const c = filed(setC);
  const a = filed(setA);
  const accuracy = (pairs: typeof b) => pairs.filter(([t, p]) => t === p).length / pairs.length;
  const unsure = (rows: typeof setB) => rows.filter((r) => !classifier.classify(r.text).sure).length;
  const cases = readCommandCases();
  const misses = commandMisses(cases, categoriseWith(classifier));
  const lines = [
    '# Held-out figures: what `npm run heldout` measured',
    '',
    `Model: data/category-model.json (${Number(classifier.model.trained?.['reports'] ?? 0)} training reports), loaded in ${loadMs.toFixed(1)} ms.`,
    '',
    '| set | size | accuracy |',
    '|---|---|---|',
    `| B: reports never seen (heldout/reports.tsv), categories | ${setB.length} | ${pct(accuracy(b))} (${unsure(setB)} filed as \`other\` for want of confidence) |`,
    `| C: reports never seen (heldout/reports-c.tsv), categories | ${setC.length} | ${pct(accuracy(c))} (${unsure(setC)} filed as \`other\` for want of confidence) |`,
    `| B and C together, categories | ${setB.length + setC.length} | ${pct(accuracy([...b, ...c]))} |`,
    `| commands never seen (heldout/commands.tsv): command and checked fields | ${cases.length} | ${pct(1 - misses.length / cases.length)} (${misses.length} wrong) |`,
    `| A: development set (held-out.tsv), categories | ${setA.length} | ${pct(accuracy(a))} |`,
    '',
    '| category | set B F1 | set C F1 |',
    '|---|---|---|',
    ...CATEGORY_IDS.map((id) => `| ${id} | ${f1(b, id).toFixed(3)} | ${f1(c, id).toFixed(3)} |`),
    '',
    'Set B confusion matrix (rows: the true category, columns: what was filed):',
    '',
    ...confusionTable(b, CATEGORY_IDS),
    '',
    'Set C confusion matrix:',
    '',
    ...confusionTable(c, CATEGORY_IDS),
    '',
  ];
  writeFileSync(join(HELD_OUT_DIR(), 'results.md'), lines.join('\n'));
  console.log(lines.join('\n'));
  if (process.argv.includes('--misses')) {
    for (const [name, rows] of [['B', setB], ['C', setC]] as const) {
      console.log(`set ${name} misses:`);
      for (const r of rows) {
        const got = classifier.classify(r.text).category;
        if (got !== r.category) console.log(`  ${r.category} → ${got}: ${r.text}`);
      }
    }
    console.log('command misses:');
    for (const m of misses) console.log(`  line ${m.case.line}: ${JSON.stringify(m.case.text)} expected ${m.case.command} ${JSON.stringify(m.case.checks)}, got ${JSON.stringify(m.got)}`);
  }
}

if (require.main === module) main();
