import type { GridLevel, RiskColour } from './grid-levels.js';
import type { MemberRole } from './roles.js';

/**
 * The demo city of docs/domain-rules.md#demo-city: Xihanggang street, "1 + 11 + 16 + 151 + N". Pure and
 * deterministic: the same codes, names and people every time.
 */
export interface DemoGrid {
  code: string;
  name: string;
  level: GridLevel;
  parent: string | null;
  riskColour: RiskColour;
  households: number;
  population: number;
}

export interface DemoMember {
  grid: string;
  name: string;
  role: MemberRole;
  phone: string;
  department: string | null;
}

export interface DemoDepartment {
  grid: string;
  name: string;
}

export interface DemoCity {
  grids: DemoGrid[];
  members: DemoMember[];
  departments: DemoDepartment[];
}

export const DEMO_STREET = 'XHG';

const COMMUNITIES = [
  '桂花堰社区', '机场路社区', '湖夹滩社区', '藏卫社区', '双华社区', '空港社区', '怡心社区', '航都社区',
  '长城社区', '白家社区', '双林社区', '九江社区', '新场社区', '学府社区', '银河社区', '枫林社区',
];
/** Communities per block (11 blocks, 16 communities). */
const COMMUNITIES_PER_BLOCK = [1, 2, 4, 1, 1, 1, 2, 1, 1, 1, 1];
/** Micro-grids per community (151 in all; C07 has enough for the contract's XHG-B03-C07-M12). */
const MICRO_GRIDS_PER_COMMUNITY = [9, 10, 9, 8, 9, 10, 14, 9, 10, 9, 8, 10, 9, 9, 10, 8];
const UNITS_PER_MICRO_GRID = 3;
const UNIT_NAMES = ['1栋', '2栋', '临街商铺'];
const BLOCK_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一'];
export const DEMO_DEPARTMENTS = ['城管', '民政', '供电', '派出所', '市场监管'];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢'.split('');
const GIVEN = [
  '建国', '秀英', '志强', '桂兰', '海燕', '晓东', '丽娟', '国华', '春梅', '德明', '玉珍', '红霞', '永强', '淑芬', '军', '静',
  '伟', '芳', '敏', '磊', '洋', '婷', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '桂英', '文斌', '小红', '子涵',
  '雨欣', '浩然', '思远', '佳怡', '建华', '立新', '金凤', '宏伟', '玉兰', '振华', '秀兰', '国强', '丽华', '卫东', '建军', '晓燕',
  '志刚', '海涛', '凤英', '新民', '庆华', '丹', '琳', '鹏',
];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Builds the demo city. */
export function buildDemoCity(): DemoCity {
  const grids: DemoGrid[] = [];
  const members: DemoMember[] = [];
  const departments: DemoDepartment[] = [];
  let person = 0;
  const nextName = () => {
    const i = person++;
    // (i + ⌊i/48⌋) mod 60 walks the given names while staying unique per surname.
    return `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i + Math.floor(i / SURNAMES.length)) % GIVEN.length]}`;
  };
  const nextPhone = () => `139${pad(28000000 + person * 7919, 8).slice(-8)}`;
  const add = (grid: string, role: MemberRole, department: string | null = null) => {
    members.push({ grid, name: nextName(), role, phone: nextPhone(), department });
  };

  grids.push({ code: DEMO_STREET, name: '西航港街道', level: 'street', parent: null, riskColour: 'green', households: 0, population: 0 });
  add(DEMO_STREET, 'commander');
  add(DEMO_STREET, 'instructor');
  add(DEMO_STREET, 'chief');
  add(DEMO_STREET, 'viewer');

  let community = 0;
  COMMUNITIES_PER_BLOCK.forEach((count, b) => {
    const block = `${DEMO_STREET}-B${pad(b + 1)}`;
    grids.push({ code: block, name: `西航港第${BLOCK_NUMERALS[b]}片区`, level: 'block', parent: DEMO_STREET, riskColour: 'green', households: 0, population: 0 });
    add(block, 'chief');
    add(block, 'instructor');
    for (let c = 0; c < count; c++, community++) {
      const cCode = `${block}-C${pad(community + 1)}`;
      const cName = COMMUNITIES[community]!;
      grids.push({ code: cCode, name: cName, level: 'community', parent: block, riskColour: 'green', households: 0, population: 0 });
      add(cCode, 'chief');
      add(cCode, 'worker');
      add(cCode, 'worker');
      for (const dept of DEMO_DEPARTMENTS) {
        departments.push({ grid: cCode, name: dept });
        add(cCode, 'department', dept);
      }
      const micro = MICRO_GRIDS_PER_COMMUNITY[community]!;
      for (let m = 1; m <= micro; m++) {
        const mCode = `${cCode}-M${pad(m)}`;
        const seed = community * 31 + m * 17;
        const households = 300 + (seed * 37) % 100;
        // A few grids start yellow or red, as a reviewed map would show.
        const riskColour: RiskColour = seed % 23 === 0 ? 'red' : seed % 7 === 0 ? 'yellow' : 'green';
        grids.push({ code: mCode, name: `${cName}第${m}微网格`, level: 'micro_grid', parent: cCode, riskColour, households, population: Math.round(households * 2.8) });
        add(mCode, 'chief');
        add(mCode, 'worker');
        add(mCode, 'worker');
        add(mCode, 'assistant');
        add(mCode, 'volunteer');
        for (let u = 1; u <= UNITS_PER_MICRO_GRID; u++) {
          const uCode = `${mCode}-U${pad(u)}`;
          const uHouseholds = Math.floor(households / UNITS_PER_MICRO_GRID);
          grids.push({ code: uCode, name: `${cName}${m}网格${UNIT_NAMES[u - 1]}`, level: 'unit', parent: mCode, riskColour: 'green', households: uHouseholds, population: Math.round(uHouseholds * 2.8) });
          add(uCode, 'chief');
        }
      }
    }
  });

  // Parents carry the sums of their children.
  for (const level of ['community', 'block', 'street'] as const) {
    for (const g of grids) {
      if (g.level !== level) continue;
      const kids = grids.filter((k) => k.parent === g.code);
      g.households = kids.reduce((s, k) => s + k.households, 0);
      g.population = kids.reduce((s, k) => s + k.population, 0);
    }
  }
  return { grids, members, departments };
}
