import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CORPUS_FILE, HELD_OUT_FILE, readLabelledReports } from '../../src/cli/chat-corpus.js';
import { commandMisses, readCommandCases, readHeldOutReports } from '../../src/cli/held-out.js';
import { CATEGORY_IDS, type CategoryId } from '../../src/domain/categories.js';
import { CategoryClassifier, categoriseWith, type CategoryModel } from '../../src/domain/chat/category-classifier.js';
import { normaliseChatText, toSimplified } from '../../src/domain/chat/normalise.js';
import { categoryModelFile, loadCategoryClassifier, repositoryRoot } from '../../src/infra/category-model.js';

const classifier = loadCategoryClassifier();
/** A little under what `npm run heldout` measured for the shipped model on set B (91.8%). */
const HELDOUT_B_FLOOR = 0.9;

describe('the normaliser', () => {
  it.each([
    ['上報', '上报'],
    ['處置', '处置'],
    ['緊急：樓道裏電動車充電', '紧急:楼道里电动车充电'],
    ['３棟的路燈壞了！', '3栋的路灯坏了!'],
    ['＃日清　ＯＫ', '#日清 OK'],
  ])('folds %s to %s', (input, expected) => {
    expect(normaliseChatText(input)).toBe(expected);
  });

  it('leaves Simplified text as it is, 著 of 显著 included', () => {
    const simplified = '网格员显著提升了处置率，著名的桂花堰社区里面干净整洁，着火了要报警，一只猫只有三斤';
    expect(toSimplified(simplified)).toBe(simplified);
  });

  it('is idempotent', () => {
    const once = normaliseChatText('＃上報：垃圾桶滿了，麪包店門口髒亂');
    expect(normaliseChatText(once)).toBe(once);
  });
});

describe('the category classifier', () => {
  const accuracyOn = (rows: ReadonlyArray<{ category: CategoryId; text: string }>) =>
    rows.filter((r) => classifier.classify(r.text).category === r.category).length / rows.length;

  it('gets at least 92% of the development set right (set A, written apart from the training corpus)', () => {
    const heldOut = readLabelledReports(HELD_OUT_FILE());
    expect(heldOut.length).toBeGreaterThanOrEqual(150);
    expect(accuracyOn(heldOut)).toBeGreaterThanOrEqual(0.92);
  });

  // Set B and the command set were written before any tuning and are never read by the corpus
  // builder or the training script (data/chat-corpus/heldout/README.md); `npm run heldout` gives
  // the figures. The floors are a little under what the shipped model measured.
  it('gets at least 90% of the reports it has never seen right (set B, measured 91.8%), every category covered', () => {
    const heldOut = readHeldOutReports();
    expect(heldOut.length).toBeGreaterThanOrEqual(200);
    for (const c of CATEGORY_IDS) expect(heldOut.filter((r) => r.category === c).length).toBeGreaterThanOrEqual(15);
    expect(accuracyOn(heldOut)).toBeGreaterThanOrEqual(HELDOUT_B_FLOOR);
  });

  it('reads at least 99% of the held-out messages as the command they are (bare forms, # commands, chat)', () => {
    const cases = readCommandCases();
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const command of ['report', 'ack', 'clearance', 'zero_report', 'unknown', 'none'] as const) {
      expect(cases.filter((c) => c.command === command).length).toBeGreaterThanOrEqual(5);
    }
    const misses = commandMisses(cases, categoriseWith(classifier));
    expect(1 - misses.length / cases.length).toBeGreaterThanOrEqual(0.99);
  });

  it('is the model the training script builds from the corpus (deterministic)', () => {
    // The compiled script (npm test builds first): training under ts-jest on a busy machine
    // takes minutes, compiled it takes seconds.
    const script = join(repositoryRoot(), 'dist', 'src', 'cli', 'train-classifier.js');
    const out = execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8', timeout: 300_000 });
    expect(out).toMatch(/is the model the corpus trains/);
  });

  it('notices a model file the corpus does not train', () => {
    const script = join(repositoryRoot(), 'dist', 'src', 'cli', 'train-classifier.js');
    const dir = mkdtempSync(join(tmpdir(), 'gridhub-model-'));
    const model = JSON.parse(readFileSync(categoryModelFile(), 'utf8')) as CategoryModel;
    const file = join(dir, 'category-model.json');
    writeFileSync(file, JSON.stringify({ ...model, bias: model.bias.map((b, i) => (i === 0 ? b + 0.5 : b)) }));
    const run = spawnSync(process.execPath, [script, '--check', file], { encoding: 'utf8', timeout: 300_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/bias differ/);
  });

  it('is trained on a corpus of at least 2,000 reports covering every category', () => {
    const corpus = readLabelledReports(CORPUS_FILE());
    expect(corpus.length).toBeGreaterThanOrEqual(2000);
    for (const c of CATEGORY_IDS) expect(corpus.filter((r) => r.category === c).length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((r) => r.text)).size).toBe(corpus.length);
  });

  // The kinds of report the keyword dictionary missed (issue 13), in words found in neither the
  // dictionary nor the corpus.
  const HARD: ReadonlyArray<readonly [string, string, CategoryId]> = [
    ['a person in danger, no hazard word', '有个老太太坐在五楼窗户外沿上，腿都伸出去了，快来人', 'safety_hazard'],
    ['a person in danger, no hazard word', '一个小男孩掉进河里了，在水里扑腾，岸上没大人', 'safety_hazard'],
    ['selling what may not be sold', '巷子里那家超市把白酒卖给初中生，好几次了', 'market'],
    ['selling what may not be sold', '集市上有人摆摊卖野生穿山甲的鳞片，说能通乳', 'market'],
    ['wages owed, everyday words', '干了三个月的活，包工头一直说下个月给钱，现在电话都打不通了', 'dispute'],
    ['wages owed, everyday words', '厂里两个月没发钱了，老板说资金周转不开，工人们都在厂门口坐着', 'dispute'],
    ['a neglected vehicle', '6栋门口那辆红色小车一年多没挪过窝了，车胎瘪了，车顶全是鸟屎和落叶', 'street_order'],
    ['a neglected vehicle', '路边有辆烂摩托停了好久，车牌也没有，锈得不成样子，占着车位', 'street_order'],
    ['a rusting fixture', '儿童乐园的铁秋千架子锈得厉害，一摇就吱呀响，螺丝都松了', 'facility'],
    ['a rusting fixture', '楼道窗户外面的铁护栏锈穿了，只剩几根', 'facility'],
    ['a structure without a permit, by what it is', '楼顶上这几天用彩钢板围了一间屋，工人还在往上运材料', 'illegal_construction'],
    ['a structure without a permit, by what it is', '一楼住户在自家门前的公共绿地上砌了一圈矮墙，围成了小院子', 'illegal_construction'],
  ];
  it.each(HARD)('files %s: %s', (_kind, text, expected) => {
    expect(classifier.classify(text).category).toBe(expected);
  });

  it('reads Traditional characters as it reads Simplified ones', () => {
    const pairs: ReadonlyArray<readonly [string, string]> = [
      ['樓下那輛舊麵包車停了大半年沒動過，輪胎都癟了', '楼下那辆旧面包车停了大半年没动过，轮胎都瘪了'],
      ['包工頭拿了錢跑路了，十幾個工人的工錢還沒給', '包工头拿了钱跑路了，十几个工人的工钱还没给'],
      ['3棟樓頂在焊鋼架子，看樣子要再蓋一層', '3栋楼顶在焊钢架子，看样子要再盖一层'],
    ];
    for (const [traditional, simplified] of pairs) {
      const a = classifier.classify(traditional);
      const b = classifier.classify(simplified);
      expect(a.category).toBe(b.category);
      expect(a.confidence).toBeCloseTo(b.confidence, 6);
    }
    expect(classifier.classify('緊急！3棟樓道裏有人把電瓶拎回家充電，電線從窗戶拉出來').category).toBe('safety_hazard');
  });

  it('files a report it cannot place as other, with its two best guesses and their confidence', () => {
    for (const text of ['', '嗯嗯', '？？？', '那边的事情还没弄好']) {
      const result = classifier.classify(text);
      expect(result.category).toBe('other');
      expect(result.sure).toBe(false);
      expect(result.confidence).toBeLessThan(classifier.model.threshold);
      const [first, second] = result.guesses;
      expect(first.category).not.toBe(second.category);
      // Two real categories the centre can re-categorise to, never `other` itself.
      expect([first.category, second.category]).not.toContain('other');
      expect(first.confidence).toBeGreaterThanOrEqual(second.confidence);
      expect(first.confidence).toBe(result.confidence);
    }
  });

  it('is never sure of a text without a Chinese character', () => {
    for (const text of ['ok 👌', 'hello', '123 456', '👍👍']) {
      expect(classifier.classify(text)).toMatchObject({ category: 'other', sure: false });
    }
  });

  it('is sure of a plain report and gives the runner-up too', () => {
    const result = classifier.classify('小区东门的垃圾桶满了好几天没人清，臭得很');
    expect(result).toMatchObject({ category: 'sanitation', sure: true });
    expect(result.confidence).toBeGreaterThan(classifier.model.threshold);
    expect(result.guesses[0].category).toBe('sanitation');
    expect(result.guesses[1].category).not.toBe('sanitation');
  });

  it('counts the dictionary in where it is sure', () => {
    // 老虎机 is a dictionary word for public security (weight 3) and nothing else scores.
    expect(classifier.dictionaryVerdict('第四网格有个老虎机')).toBe('public_security');
    expect(classifier.classify('第四网格有个老虎机')).toMatchObject({ category: 'public_security', dictionary: true });
    expect(classifier.dictionaryVerdict('楼下那辆旧车停了一年')).toBeNull();
  });

  it('loads in well under a second and classifies thousands of reports a CPU-second', () => {
    const t = performance.now();
    const fresh = loadCategoryClassifier();
    expect(performance.now() - t).toBeLessThan(1000);
    const texts = [...readLabelledReports(HELD_OUT_FILE()), ...readHeldOutReports()].map((r) => r.text);
    for (let i = 0; i < 2000; i++) fresh.classify(texts[i % texts.length]!); // warm-up
    // CPU time, not wall time: on a loaded 2-core machine other processes take the wall clock,
    // and even CPU time stretches when eight builds share two cores (a quarter of the idle rate
    // seen at load 16). So the floor here is loose; the 20,000/s is checked by
    // bench/classifier.bench.ts, which measured ~40,000 per CPU-second.
    const cpu = process.cpuUsage();
    for (let i = 0; i < 20_000; i++) fresh.classify(texts[i % texts.length]!);
    const used = process.cpuUsage(cpu);
    expect(20_000 / ((used.user + used.system) / 1e6)).toBeGreaterThan(5_000);
  });

  it('refuses a model file of another format or shape', () => {
    const model = JSON.parse(JSON.stringify(classifier.model)) as CategoryModel;
    expect(() => CategoryClassifier.fromModel({ ...model, format: 'x' as CategoryModel['format'] })).toThrow(/format/);
    expect(() => CategoryClassifier.fromModel({ ...model, bias: model.bias.slice(1) })).toThrow(/biases/);
    expect(() => CategoryClassifier.fromModel({ ...model, categories: model.categories.filter((c) => c !== 'other') })).toThrow(/other/);
    expect(categoryModelFile()).toMatch(/data[\\/]category-model\.json$/);
  });
});
