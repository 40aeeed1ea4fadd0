/**
 * `npm run corpus`: rebuilds data/chat-corpus/reports.tsv from the hand-written sources in
 * data/chat-corpus/source/ (see its README). Deterministic: the same sources give the same file.
 *
 * Whole reports (`= …`) are taken as written. Each situation (`~ …`) is filed three times, each
 * time in another register (worker shorthand, resident, terse, urgent, dialect), at another
 * place, and now and then with an emoji, a pinyin-input typo, Traditional characters (as some
 * phones send them) or a leading `#上报`. Duplicates are dropped.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cn2t from 'opencc-js/cn2t';
import { seededRandom } from '../domain/seeded-random.js';
import { CATEGORY_IDS, type CategoryId } from '../domain/categories.js';
import type { OpenCC } from '../domain/chat/opencc.js';
import { CORPUS_DIR, CORPUS_FILE, type LabelledReport } from './chat-corpus.js';


const lines = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

// Pinyin-input slips people make and leave in: each pair is (right, wrong).
const TYPOS: ReadonlyArray<readonly [string, string]> = [
  ['垃圾', '拉圾'], ['已经', '以经'], ['的', '得'], ['再', '在'], ['反映', '反应'], ['麻烦', '麻凡'],
  ['物业', '无业'], ['那里', '哪里'], ['电梯', '电体'], ['师傅', '师父'], ['好几天', '好几填'],
  ['没人', '每人'], ['处理', '处里'], ['小区', '小去'], ['楼下', '楼夏'], ['一直', '一只'],
];
const EMOJI = ['😡', '😭', '🙏', '👀', '😓', '‼️', '📷', '[捂脸]', '[抓狂]', '[流泪]', '[拳头]', '[图片]'];
const TIMES = ['今早', '今天上午', '中午', '下午4点', '晚上', '昨晚', '凌晨', '早上7点', '刚才', '周末'];
// Registers a category's situations are told in: the everyday categories in all of them; chat
// questions and notices only as chat.
const REGISTERS: Readonly<Partial<Record<CategoryId, readonly string[]>>> = {
  other: ['chat'],
  livelihood: ['worker', 'resident', 'terse', 'chat'],
  epidemic: ['worker', 'resident', 'terse', 'urgent', 'chat'],
};
const ALL_REGISTERS = ['worker', 'resident', 'terse', 'urgent', 'dialect'];
// How often a situation is given a place; questions and services often have none.
const PLACE_RATE: Readonly<Partial<Record<CategoryId, number>>> = { other: 0, livelihood: 0.45, epidemic: 0.6 };
// Frames that only read well with a place in them.
const NEEDS_PLACE = /地点|就在|的住户|这边|那里|路过|又是|那点|我们\{p\}|\{p\}：|（\{p\}）/;
const VARIANTS = 3;
const SPATIAL_START = /^(有|门|楼|里|旁|后|前|上|下|边|路|墙|地|一|河|小区|单元|屋|院|车|沿|广场|公|桥|空|树|电|水|街|对)/;

export function buildCorpus(sourceDir = join(CORPUS_DIR(), 'source')): LabelledReport[] {
  const random = seededRandom(13);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const toTraditional = (cn2t as unknown as OpenCC).Converter({ from: 'cn', to: 'tw' });
  const places = lines(join(sourceDir, 'places.txt'));
  const frames = lines(join(sourceDir, 'frames.txt')).map((l) => {
    const bar = l.indexOf('|');
    return { register: l.slice(0, bar), frame: l.slice(bar + 1) };
  });
  const number = (max: number) => String(1 + Math.floor(random() * max));
  const place = () => pick(places).replace('{n}', number(12)).replace('{u}', number(4)).replace('{r}', `${number(6)}0${number(4)}`);

  const decorate = (text: string): string => {
    let out = text;
    if (random() < 0.12) {
      const typo = pick(TYPOS.filter(([right]) => out.includes(right)).concat([['', '']]));
      if (typo[0]) out = out.replace(typo[0], typo[1]);
    }
    if (random() < 0.15) out = `${out}${pick(EMOJI)}`;
    if (random() < 0.06) out = `#上报 ${out}`;
    if (random() < 0.1) out = toTraditional(out);
    return out;
  };

  const rows: LabelledReport[] = [];
  const seen = new Set<string>();
  const add = (row: LabelledReport) => {
    const key = row.text.replace(/\s+/g, '');
    if (seen.has(key)) return;
    seen.add(key);
    rows.push(row);
  };
  const sourceFiles = new Set(readdirSync(sourceDir));
  for (const category of CATEGORY_IDS) {
    const file = `${category}.txt`;
    if (!sourceFiles.has(file)) throw new Error(`data/chat-corpus/source/${file} is missing`);
    const registers = REGISTERS[category] ?? ALL_REGISTERS;
    readFileSync(join(sourceDir, file), 'utf8')
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim();
        const source = `${file}:${i + 1}`;
        if (line.startsWith('= ')) add({ category, text: decorate(line.slice(2).trim()), source });
        if (!line.startsWith('~ ')) return;
        const situation = line.slice(2).trim();
        const used = new Set<string>();
        for (let v = 0; v < VARIANTS; v++) {
          const withPlace = random() < (PLACE_RATE[category] ?? 0.9);
          const choices = frames.filter(
            (f) => registers.includes(f.register) && !used.has(f.frame) && (withPlace || !NEEDS_PLACE.test(f.frame)),
          );
          const { frame } = pick(choices);
          used.add(frame);
          const here = withPlace ? place() : '';
          // `{p}{s}` reads as one phrase only when the situation starts with where or what
          // ("门口…", "有人…"); a sentence about people gets a comma after the place.
          const joined = here && frame.includes('{p}{s}') && !SPATIAL_START.test(situation) ? `${here}，` : here;
          const text = frame
            .replace('{p}', joined)
            .replace('{s}', situation)
            .replace('{t}', pick(TIMES))
            .replace('{n}', number(9))
            .replace(/^[，,：\s]+/, '');
          add({ category, text: decorate(text), source });
        }
      });
  }
  return rows;
}

if (require.main === module) {
  const rows = buildCorpus();
  const tsv = ['category\ttext\tsource', ...rows.map((r) => `${r.category}\t${r.text}\t${r.source}`)].join('\n');
  writeFileSync(CORPUS_FILE(), `${tsv}\n`);
  const counts = CATEGORY_IDS.map((c) => `${c} ${rows.filter((r) => r.category === c).length}`);
  console.log(`wrote ${rows.length} reports to ${CORPUS_FILE()}\n${counts.join('\n')}`);
}
