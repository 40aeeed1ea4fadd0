import { countProblem, departmentNameProblem, gridCodeProblem, gridNameProblem, memberDepartmentProblem, memberNameProblem, phoneProblem } from './city-rules.js';
import { GRID_LEVELS, isGridLevel, normalizeGridCode, type GridLevel } from './grid-levels.js';
import { isMemberRole, MEMBER_ROLES, type MemberRole } from './roles.js';

/**
 * The city file of `gridhub import` (README.md#import-and-export): one table, one row per grid,
 * department or member, said by the `kind` column. Which columns each kind reads:
 *
 * | kind       | grid                   | name | level | parent      | role | phone | department | households, population |
 * |------------|------------------------|------|-------|-------------|------|-------|------------|------------------------|
 * | grid       | its code               | yes  | yes   | parent code | -    | -     | -          | optional               |
 * | department | the grid it serves     | yes  | -     | -           | -    | -     | -          | -                      |
 * | member     | the grid it belongs to | yes  | -     | -           | yes  | opt.  | if role=department | -              |
 */
export const CITY_COLUMNS = ['kind', 'grid', 'name', 'level', 'parent', 'role', 'phone', 'department', 'households', 'population'] as const;
export const CITY_KINDS = ['grid', 'department', 'member'] as const;
export type CityKind = (typeof CITY_KINDS)[number];

export interface GridRow {
  kind: 'grid';
  line: number;
  code: string;
  name: string;
  level: GridLevel;
  parent: string | null;
  households?: number;
  population?: number;
}
export interface DepartmentRow {
  kind: 'department';
  line: number;
  grid: string;
  name: string;
}
export interface MemberRow {
  kind: 'member';
  line: number;
  grid: string;
  name: string;
  role: MemberRole;
  phone: string | null;
  department: string | null;
}
export type CityRow = GridRow | DepartmentRow | MemberRow;

/** A refused row: its line in the file and why. */
export interface RowError {
  line: number;
  message: string;
}

const REQUIRED_COLUMNS = ['kind', 'grid', 'name'] as const;

function count(field: 'households' | 'population', text: string | undefined, problems: string[]): number | undefined {
  if (!text) return undefined;
  const n = Number(text);
  const problem = countProblem(field, n);
  if (problem) problems.push(problem);
  return n;
}

/** One row's own checks (the rules of docs/domain-rules.md#grid-tree); cross-row checks are the import's. */
function parseRow(line: number, c: Record<string, string>): { row: CityRow | null; problems: string[] } {
  const problems: string[] = [];
  const kind = (c['kind'] ?? '').toLowerCase();
  const grid = normalizeGridCode(c['grid'] ?? '');
  const name = (c['name'] ?? '').trim();
  if (!grid) problems.push('grid is empty');
  if (kind === 'grid') {
    const level = (c['level'] ?? '').toLowerCase();
    const parent = c['parent'] ? normalizeGridCode(c['parent']) : null;
    const households = count('households', c['households'], problems);
    const population = count('population', c['population'], problems);
    for (const p of [grid ? gridCodeProblem(grid) : null, gridNameProblem(name)]) if (p) problems.push(p);
    if (!isGridLevel(level)) problems.push(`level ${level || '(empty)'} is not one of ${GRID_LEVELS.join(', ')}`);
    if (problems.length || !isGridLevel(level)) return { row: null, problems };
    return { row: { kind, line, code: grid, name, level, parent, ...(households !== undefined ? { households } : {}), ...(population !== undefined ? { population } : {}) }, problems };
  }
  if (kind === 'department') {
    const p = departmentNameProblem(name);
    if (p) problems.push(p);
    return { row: problems.length ? null : { kind, line, grid, name }, problems };
  }
  if (kind === 'member') {
    const role = (c['role'] ?? '').toLowerCase();
    const phone = c['phone'] || null;
    const department = c['department'] || null;
    for (const p of [memberNameProblem(name), phoneProblem(phone)]) if (p) problems.push(p);
    if (!isMemberRole(role)) {
      problems.push(`role ${role || '(empty)'} is not one of ${MEMBER_ROLES.join(', ')}`);
      return { row: null, problems };
    }
    const p = memberDepartmentProblem(role, department);
    if (p) problems.push(p);
    return { row: problems.length ? null : { kind, line, grid, name, role, phone, department }, problems };
  }
  return { row: null, problems: [`kind ${kind || '(empty)'} is not one of ${CITY_KINDS.join(', ')}`] };
}

/** Checks a city file's header and every row on its own; returns the good rows and every bad line at once. */
export function parseCityRows(headers: readonly string[], rows: ReadonlyArray<{ line: number; cells: Record<string, string> }>): { rows: CityRow[]; errors: RowError[] } {
  const missing = REQUIRED_COLUMNS.filter((c) => !headers.includes(c));
  if (missing.length) return { rows: [], errors: [{ line: 1, message: `the header lacks column(s) ${missing.join(', ')}; expected ${CITY_COLUMNS.join(', ')}` }] };
  const good: CityRow[] = [];
  const errors: RowError[] = [];
  for (const { line, cells } of rows) {
    const { row, problems } = parseRow(line, cells);
    if (problems.length) errors.push({ line, message: problems.join('; ') });
    else if (row) good.push(row);
  }
  return { rows: good, errors };
}
