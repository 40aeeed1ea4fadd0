import { type CategoryId } from '../categories.js';

/**
 * Keyword classifier for incident categories: grid workers rarely tag a report, so the bot
 * guesses the category from the words they use ("3栋下水道篦子破损" → safety_hazard).
 *
 * How it scores: the text is scanned left to right and at each position the *longest*
 * dictionary word wins (so 狗屎 is sanitation, not the 狗 of public security, and 下水道篦子 is a
 * hazard, not the 下水道 of facilities). Each category adds the weights of its words; the
 * highest total wins, and a tie goes to the category listed first (hazards before the rest,
 * because a missed hazard costs more than a missed litter report).
 */
export interface CategoryKeywords {
  readonly category: Exclude<CategoryId, 'other'>;
  /** word → weight: 3 for words that name the category outright, 1 for merely suggestive ones. */
  readonly keywords: Readonly<Record<string, number>>;
}

/** The dictionary, in tie-break priority order. Add words here; keep them NFKC-folded. */
export const CATEGORY_KEYWORDS: readonly CategoryKeywords[] = [
  {
    category: 'safety_hazard',
    keywords: {
      安全隐患: 3, 隐患: 2, 井盖: 3, 篦子: 3, 下水道篦子: 3, 雨水篦子: 3, 窨井: 3, 电线杆: 2, 电线杆倒: 3,
      电杆: 2, 电线裸露: 3, 私拉电线: 3, 飞线: 3, 飞线充电: 3, 楼道充电: 3, 电动车进楼: 3, 漏电: 3,
      结冰: 3, 路面结冰: 3, 消防通道: 3, 疏散通道: 3, 安全出口: 3, 消防栓: 2, 灭火器: 2, 燃气: 3, 煤气: 3, 天然气: 3, 漏气: 3,
      液化气: 3, 火情: 3, 起火: 3, 着火: 3, 失火: 3, 冒烟: 2, 火灾: 3, 坍塌: 3, 塌陷: 3, 倒塌: 3,
      危房: 3, 高空坠物: 3, 坠落: 2, 广告牌松动: 3, 树木倒伏: 3, 大树倒: 3, 危化品: 3, 易燃: 2,
      脚手架: 2, 滑坡: 3, 溺水: 3, 积水: 1,
      // Things piled in stairwells and corridors block escape and feed fires (楼道堆物, a classic 消防隐患).
      楼道堆物: 3, 楼道堆放: 3, 堆放杂物: 3, 堆满杂物: 3, 楼道杂物: 3, 楼道里堆: 3, 楼道堆: 3, 过道堆: 3, 怕着火: 3,
    },
  },
  {
    category: 'epidemic',
    keywords: {
      疫情: 3, 防疫: 3, 隔离: 3, 居家隔离: 3, 集中隔离: 3, 返乡人员: 3, 返乡: 2, 外地返回: 3, 核酸: 3,
      核酸检测: 3, 疫苗: 3, 接种: 2, 健康码: 3, 行程码: 3, 黄码: 3, 红码: 3, 发热: 2, 发烧: 2, 中高风险: 3,
      高风险地区: 3, 密接: 3, 次密接: 3, 确诊: 3, 阳性: 3, 测温: 2, 口罩: 1, 五类人员: 3, 排查: 1,
    },
  },
  {
    category: 'public_security',
    keywords: {
      社会治安: 3, 狗: 2, 犬: 2, 恶犬: 3, 烈性犬: 3, 遛狗: 2, 狗咬人: 3, 咬人: 2, 未拴绳: 3, 偷盗: 3,
      盗窃: 3, 小偷: 3, 被盗: 3, 被偷: 3, 偷: 2, 失窃: 3, 打架: 3, 斗殴: 3, 打人: 3, 赌博: 3, 老虎机: 3,
      吸毒: 3, 传销: 3, 诈骗: 3, 可疑人员: 3, 醉酒: 2, 闹事: 3, 寻衅滋事: 3, 砸车: 3, 报警: 2, 110: 2,
    },
  },
  {
    category: 'dispute',
    keywords: {
      矛盾纠纷: 3, 纠纷: 3, 邻里纠纷: 3, 邻里矛盾: 3, 矛盾: 2, 吵架: 3, 争吵: 3, 口角: 3, 争执: 3,
      噪音: 2, 噪音扰民: 3, 扰民: 3, 家庭矛盾: 3, 劳资纠纷: 3, 欠薪: 3, 讨薪: 3, 拖欠工资: 3,
      物业纠纷: 3, 赡养: 3, 调解: 2, 吵闹: 2,
    },
  },
  {
    category: 'illegal_construction',
    keywords: {
      违法建设: 3, 违建: 3, 违章建筑: 3, 违章搭建: 3, 违规搭建: 3, 私搭乱建: 3, 乱搭乱建: 3, 私搭: 3,
      搭建: 2, 加建: 3, 加盖: 2, 扩建: 2, 侵占绿地: 3, 毁绿: 3, 圈地: 2,
    },
  },
  {
    category: 'market',
    keywords: {
      市场监管: 3, 假药: 3, 卖假药: 3, 无证经营: 3, 无照经营: 3, 过期食品: 3, 食品安全: 3, 三无产品: 3,
      假冒: 3, 伪劣: 3, 缺斤短两: 3, 短秤: 3, 价格欺诈: 3, 哄抬物价: 3, 黑作坊: 3, 保健品: 2, 无证行医: 3,
      非法行医: 3,
    },
  },
  {
    category: 'street_order',
    keywords: {
      市容秩序: 3, 市容: 2, 占道经营: 3, 占道: 3, 出店经营: 3, 店外经营: 3, 流动摊贩: 3, 摊贩: 3,
      摆摊: 3, 小摊: 2, 共享单车: 3, 共享单车乱停: 3, 单车: 1, 乱停: 3, 乱停放: 3, 乱停车: 3, 违停: 3,
      乱摆: 3, 乱贴: 3, 小广告: 3, 牛皮癣: 3, 乱涂: 3, 横幅: 2, 乱晾晒: 3, 户外广告: 2, 渣土车: 2,
    },
  },
  {
    category: 'facility',
    keywords: {
      设施损坏: 3, 水管爆裂: 3, 水管: 2, 爆管: 3, 漏水: 2, 停水: 2, 停电: 2, 路面破损: 3, 路面: 1,
      坑洼: 3, 坑: 1, 破损: 1, 损坏: 1, 坏了: 1, 路灯: 3, 路灯坏: 3, 路灯不亮: 3, 不亮: 1, 设施: 1,
      健身器材: 3, 座椅: 2, 护栏: 2, 栏杆: 2, 围栏: 2, 人行道: 1, 地砖: 2, 下水道: 2, 堵塞: 2,
      管道: 2, 电梯: 2, 电梯故障: 3, 红绿灯: 3, 信号灯: 3, 门禁: 2, 水表: 2,
    },
  },
  {
    category: 'sanitation',
    keywords: {
      环境卫生: 3, 卫生: 3, 垃圾: 3, 大件垃圾: 3, 建筑垃圾: 3, 生活垃圾: 3, 垃圾桶: 3, 垃圾堆: 3,
      垃圾满溢: 3, 清运: 2, 脏乱: 3, 脏乱差: 3, 乱扔: 3, 乱倒: 3, 乱堆: 3, 乱堆乱放: 3, 堆放: 2,
      杂物: 2, 污水: 2, 臭: 1, 异味: 2, 粪便: 3, 狗屎: 3, 死老鼠: 3, 老鼠: 2, 蚊蝇: 2, 清扫: 2,
      保洁: 2, 油烟: 2, 化粪池: 3,
    },
  },
  {
    category: 'livelihood',
    keywords: {
      民生服务: 3, 老年卡: 3, 低保: 3, 补贴: 3, 补贴申请: 3, 居住证: 3, 社保: 3, 医保: 3, 养老: 2,
      养老金: 3, 残疾证: 3, 残疾人: 2, 困难户: 3, 困难群众: 3, 救助: 2, 临时救助: 3, 独居老人: 3,
      高龄老人: 3, 孤寡老人: 3, 就业: 2, 失业: 2, 代办: 2, 特困: 3, 申请: 1, 办理: 1,
    },
  },
];

interface Entry {
  readonly word: string;
  readonly weight: number;
  readonly rank: number;
}

// First character → its words, longest first: the scan tries only words that can start here.
const index = new Map<string, Entry[]>();
CATEGORY_KEYWORDS.forEach(({ keywords }, rank) => {
  for (const [word, weight] of Object.entries(keywords)) {
    const list = index.get(word[0]!) ?? [];
    list.push({ word, weight, rank });
    index.set(word[0]!, list);
  }
});
for (const list of index.values()) list.sort((a, b) => b.word.length - a.word.length);

/** Per-category totals for `text`, for tests and for explaining a guess. */
export function scoreCategories(text: string): Map<Exclude<CategoryId, 'other'>, number> {
  const folded = String(text).normalize('NFKC').toLowerCase();
  const totals = new Map<Exclude<CategoryId, 'other'>, number>();
  let i = 0;
  while (i < folded.length) {
    const hit = index.get(folded[i]!)?.find((e) => folded.startsWith(e.word, i));
    if (!hit) {
      i += 1;
      continue;
    }
    const category = CATEGORY_KEYWORDS[hit.rank]!.category;
    totals.set(category, (totals.get(category) ?? 0) + hit.weight);
    i += hit.word.length;
  }
  return totals;
}

/** The best-scoring category for a free text, or null when no dictionary word occurs. */
export function classifyCategory(text: string): CategoryId | null {
  let best: CategoryId | null = null;
  let bestScore = 0;
  // Map iteration follows insertion order (order of appearance), so walk the table instead to
  // break ties by priority.
  const totals = scoreCategories(text);
  for (const { category } of CATEGORY_KEYWORDS) {
    const score = totals.get(category) ?? 0;
    if (score > bestScore) {
      best = category;
      bestScore = score;
    }
  }
  return best;
}
