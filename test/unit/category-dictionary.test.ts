import { CATEGORY_IDS, type CategoryId } from '../../src/domain/categories.js';
import { CATEGORY_KEYWORDS, classifyCategory, scoreCategories } from '../../src/domain/chat/index.js';

// How grid workers describe what they found on patrol, and the category the centre would file.
const ROWS: ReadonlyArray<readonly [string, CategoryId | null]> = [
  ['3栋下水道篦子破损', 'safety_hazard'],
  ['小区东门井盖缺失', 'safety_hazard'],
  ['大风把电线杆刮倒了', 'safety_hazard'],
  ['桥面结冰，请注意', 'safety_hazard'],
  ['消防通道被三轮车占用', 'safety_hazard'],
  ['5栋燃气表附近有异味', 'safety_hazard'],
  ['共享单车乱停堵住消防通道', 'safety_hazard'],
  ['楼道里电动车飞线充电', 'safety_hazard'],
  ['楼道里堆满了纸箱，怕着火', 'safety_hazard'],
  ['3单元过道堆放杂物', 'safety_hazard'],
  ['桂花堰社区二组门口有大件垃圾', 'sanitation'],
  ['第二网格有大件垃圾，需及时清理', 'sanitation'],
  ['背街小巷卫生脏乱差', 'sanitation'],
  ['垃圾桶满溢无人清运', 'sanitation'],
  ['楼道里有狗屎', 'sanitation'],
  ['工地周边流动摊贩', 'street_order'],
  ['菜市场门口占道经营', 'street_order'],
  ['地铁口共享单车乱停', 'street_order'],
  ['电线杆上贴满小广告', 'street_order'],
  ['航港路水管爆裂', 'facility'],
  ['人行道路面破损，坑洼不平', 'facility'],
  ['幸福巷路灯坏了', 'facility'],
  ['3单元电梯故障困人', 'facility'],
  ['小区健身器材损坏', 'facility'],
  ['楼上楼下吵架', 'dispute'],
  ['老旧院落邻里纠纷', 'dispute'],
  ['两户邻里矛盾，因为漏水', 'dispute'],
  ['夜宵店噪音扰民', 'dispute'],
  ['农民工讨薪', 'dispute'],
  ['屋顶违建彩钢房', 'illegal_construction'],
  ['一楼私搭乱建阳光房', 'illegal_construction'],
  ['农贸市场摆摊售卖假药', 'market'],
  ['小卖部无证经营', 'market'],
  ['超市卖过期食品', 'market'],
  ['小区有人居家隔离', 'epidemic'],
  ['排查返乡人员12人', 'epidemic'],
  ['组织核酸检测', 'epidemic'],
  ['陪老人打疫苗', 'epidemic'],
  ['老人要办老年卡', 'livelihood'],
  ['困难户申请低保', 'livelihood'],
  ['补贴申请材料', 'livelihood'],
  ['办理居住证登记', 'livelihood'],
  ['楼道里有狗', 'public_security'],
  ['遛狗不拴绳', 'public_security'],
  ['车棚电瓶被偷', 'public_security'],
  ['夜市有人打架', 'public_security'],
  ['第四网格有个老虎机', 'public_security'],
  ['ＸＨＧ小区有人赌博', 'public_security'],
  ['今天天气不错', null],
  ['明天开会', null],
  ['', null],
  ['👍👍', null],
];

describe('classifyCategory guesses the category from a report', () => {
  it.each(ROWS)('%s → %s', (text, category) => {
    expect(classifyCategory(text)).toBe(category);
  });

  it('knows a word in one category only, so the table never contradicts itself', () => {
    const seen = new Map<string, CategoryId>();
    for (const { category, keywords } of CATEGORY_KEYWORDS) {
      for (const word of Object.keys(keywords)) {
        expect(seen.get(word) ?? category).toBe(category);
        seen.set(word, category);
      }
    }
  });

  it.each(CATEGORY_KEYWORDS.flatMap(({ category, keywords }) => Object.keys(keywords).map((w) => [w, category] as const)))(
    'the dictionary word %s alone is %s',
    (word, category) => {
      expect(classifyCategory(word)).toBe(category);
    },
  );

  it('covers every category except other, which is never guessed', () => {
    const covered = new Set(CATEGORY_KEYWORDS.map((c) => c.category));
    expect(CATEGORY_IDS.filter((id) => !covered.has(id as never))).toEqual(['other']);
  });

  it('prefers the longest word at a position (狗屎 over 狗) and sums weights', () => {
    expect(scoreCategories('楼道里有狗屎').get('public_security')).toBeUndefined();
    expect(scoreCategories('垃圾和建筑垃圾').get('sanitation')).toBe(6);
  });

  it('breaks ties by table order: a hazard beats litter', () => {
    expect(classifyCategory('垃圾堆在消防通道')).toBe('safety_hazard');
  });

  it('folds full-width text before matching', () => {
    expect(classifyCategory('１１０报警')).toBe('public_security');
  });

  it('does not choke on huge or odd input', () => {
    expect(classifyCategory('\ud800垃圾\u0000'.repeat(10_000))).toBe('sanitation');
  });
});
