/** Grid levels, ordered from the top of the tree to its leaves. Depth varies by city. */
export const GRID_LEVELS = ['city', 'district', 'street', 'block', 'community', 'grid', 'micro_grid', 'unit'] as const;
export type GridLevel = (typeof GRID_LEVELS)[number];

export const GRID_LEVEL_LABELS: Record<GridLevel, string> = {
  city: '市',
  district: '区',
  street: '街道',
  block: '片区',
  community: '社区',
  grid: '网格',
  micro_grid: '微网格',
  unit: '治理单元',
};

export const levelRank = (level: GridLevel): number => GRID_LEVELS.indexOf(level);
export const isGridLevel = (value: string): value is GridLevel => (GRID_LEVELS as readonly string[]).includes(value);

export const RISK_COLOURS = ['green', 'yellow', 'red'] as const;
export type RiskColour = (typeof RISK_COLOURS)[number];

/** Stable grid codes: upper-case letters and digits in dash-separated parts (`XHG-B03-C07-M12`). */
export const GRID_CODE_PATTERN = /^[A-Z0-9]{1,16}(-[A-Z0-9]{1,16}){0,9}$/;

export const normalizeGridCode = (code: string): string => code.normalize('NFKC').trim().toUpperCase();

/** A child must sit strictly deeper than its parent. */
export function canNest(parent: GridLevel, child: GridLevel): boolean {
  return levelRank(child) > levelRank(parent);
}

/**
 * True when the grid path `path` (an ltree path, `XHG.B03.C07`) equals `scope` or lies under it;
 * the scope '' is the whole tree. The one "is this path within that one" for scopes, feeds and
 * moves, matching SQL's `path <@ scope`.
 */
export const isWithin = (path: string, scope: string): boolean => scope === '' || path === scope || path.startsWith(`${scope}.`);
