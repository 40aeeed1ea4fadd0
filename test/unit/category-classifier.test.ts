import { performance } from 'node:perf_hooks';
import { CORPUS_FILE, HELD_OUT_FILE, readLabelledReports } from '../../src/cli/chat-corpus.js';
import { CATEGORY_IDS, type CategoryId } from '../../src/domain/categories.js';
import { CategoryClassifier, type CategoryModel } from '../../src/domain/chat/category-classifier.js';
import { normaliseChatText, toSimplified } from '../../src/domain/chat/normalise.js';
import { categoryModelFile, loadCategoryClassifier } from '../../src/infra/category-model.js';

const classifier = loadCategoryClassifier();

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
  it('gets at least 88% of the held-out reports right (written apart from the training corpus)', () => {
    const heldOut = readLabelledReports(HELD_OUT_FILE());
    expect(heldOut.length).toBeGreaterThanOrEqual(150);
    const right = heldOut.filter((r) => classifier.classify(r.text).category === r.category).length;
    expect(right / heldOut.length).toBeGreaterThanOrEqual(0.88);
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
    for (const text of ['', '嗯嗯', '？？？']) {
      const result = classifier.classify(text);
      expect(result.category).toBe('other');
      expect(result.sure).toBe(false);
      expect(result.confidence).toBeLessThan(classifier.model.threshold);
      const [first, second] = result.guesses;
      expect(first.category).not.toBe(second.category);
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

  it('loads in well under a second and classifies thousands of reports a second', () => {
    const t = performance.now();
    const fresh = loadCategoryClassifier();
    expect(performance.now() - t).toBeLessThan(1000);
    const texts = readLabelledReports(HELD_OUT_FILE()).map((r) => r.text);
    // CPU time, not wall time: on a loaded 2-core machine other processes take the wall clock.
    const cpu = process.cpuUsage();
    for (let i = 0; i < 5000; i++) fresh.classify(texts[i % texts.length]!);
    const used = process.cpuUsage(cpu);
    // A loose floor; bench/classifier.bench.ts measures the real rate.
    expect(5000 / ((used.user + used.system) / 1e6)).toBeGreaterThan(1000);
  });

  it('refuses a model file of another format or shape', () => {
    const model = JSON.parse(JSON.stringify(classifier.model)) as CategoryModel;
    expect(() => CategoryClassifier.fromModel({ ...model, format: 'x' as CategoryModel['format'] })).toThrow(/format/);
    expect(() => CategoryClassifier.fromModel({ ...model, bias: model.bias.slice(1) })).toThrow(/biases/);
    expect(() => CategoryClassifier.fromModel({ ...model, categories: model.categories.filter((c) => c !== 'other') })).toThrow(/other/);
    expect(categoryModelFile()).toMatch(/data[\\/]category-model\.json$/);
  });
});
