import { performance } from 'node:perf_hooks';
import { readLabelledReports, CORPUS_FILE, HELD_OUT_FILE } from '../src/cli/chat-corpus';
import { readHeldOutReports } from '../src/cli/held-out';
import { classifyCategory } from '../src/domain/chat/category-dictionary';
import { warmUpNormaliser } from '../src/domain/chat/normalise';
import { loadCategoryClassifier } from '../src/infra/category-model';

const MESSAGES = 50_000;

/**
 * Runs `fn` over `texts` round-robin `count` times; returns calls per second of wall time and
 * per second of this process's CPU time (the fair figure on a shared, busy machine: the work is
 * single-threaded, jieba included).
 */
function rate(texts: readonly string[], count: number, fn: (text: string) => unknown): { wall: number; cpu: number } {
  for (let i = 0; i < 2000; i++) fn(texts[i % texts.length]!); // warm-up
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < count; i++) fn(texts[i % texts.length]!);
  const wallMs = performance.now() - t;
  const used = process.cpuUsage(cpu0);
  return { wall: (count * 1000) / wallMs, cpu: (count * 1e6) / (used.user + used.system) };
}

/**
 * The category classifier (normalise → jieba → features → logistic regression → dictionary)
 * over the corpus and both held-out sets, beside the keyword dictionary alone on the same texts
 * in the same run; plus the model's load time (the normaliser's OpenCC tables apart).
 */
export function classifierBench(): void {
  let t = performance.now();
  warmUpNormaliser();
  const openccMs = performance.now() - t;
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const classifier = loadCategoryClassifier();
  const loadMs = performance.now() - t;
  const loadCpu = process.cpuUsage(cpu0);
  const loadCpuMs = (loadCpu.user + loadCpu.system) / 1000;
  const texts = [...readLabelledReports(CORPUS_FILE()), ...readLabelledReports(HELD_OUT_FILE()), ...readHeldOutReports()].map((r) => r.text);
  const model = rate(texts, MESSAGES, (text) => classifier.classify(text));
  const dictionary = rate(texts, MESSAGES, (text) => classifyCategory(text));
  console.log(
    `category classifier on ${MESSAGES} reports: ${model.cpu.toFixed(0)} messages per CPU-second (${model.wall.toFixed(0)}/s wall), ` +
      `baseline keyword dictionary ${dictionary.cpu.toFixed(0)} per CPU-second (${dictionary.wall.toFixed(0)}/s wall), ratio ${(model.cpu / dictionary.cpu).toFixed(2)}×; ` +
      `model load ${loadMs.toFixed(1)} ms wall, ${loadCpuMs.toFixed(1)} ms CPU (+ ${openccMs.toFixed(1)} ms once for the Traditional→Simplified tables)`,
  );
}

if (require.main === module) classifierBench();
