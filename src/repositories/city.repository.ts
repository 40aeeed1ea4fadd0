import type { EntityManager } from '@mikro-orm/postgresql';
import type { GridLevel } from '../domain/grid-levels.js';
import { query } from './sql.js';

export interface ExistingGrid {
  id: number;
  code: string;
  name: string;
  level: GridLevel;
  path: string;
  parentCode: string | null;
  households: number;
  population: number;
}
export interface ExistingDepartment {
  id: number;
  gridId: number;
  name: string;
}
export interface ExistingMember {
  id: number;
  gridId: number;
  name: string;
  role: string;
  phone: string | null;
  departmentId: number | null;
}

/** `?, ?, …` for a list (the driver expands no arrays). */
const marks = (list: readonly unknown[]) => list.map(() => '?').join(', ');

/** Bulk reads and writes of the city import: what a file names, in a few statements whatever its size. */
export class CityRepository {
  constructor(private readonly em: EntityManager) {}

  async gridsByCodes(codes: readonly string[]): Promise<ExistingGrid[]> {
    if (!codes.length) return [];
    return query<ExistingGrid>(
      this.em,
      `select g.id, g.code, g.name, g.level, g.path::text as path, p.code as "parentCode", g.households, g.population
         from grid g left join grid p on p.id = g.parent_id where g.code in (${marks(codes)})`,
      [...codes],
    );
  }

  async departmentsAt(gridIds: readonly number[]): Promise<ExistingDepartment[]> {
    if (!gridIds.length) return [];
    return query<ExistingDepartment>(this.em, `select id, grid_id as "gridId", name from department where grid_id in (${marks(gridIds)})`, [...gridIds]);
  }

  /** Members of these grids, oldest first (the import matches a member by grid and name, the oldest when a name repeats). */
  async membersAt(gridIds: readonly number[]): Promise<ExistingMember[]> {
    if (!gridIds.length) return [];
    return query<ExistingMember>(
      this.em,
      `select id, grid_id as "gridId", name, role, phone, department_id as "departmentId" from member where grid_id in (${marks(gridIds)}) order by id`,
      [...gridIds],
    );
  }

  /** Sets name, households and population of many grids in one statement. */
  async updateGrids(rows: ReadonlyArray<{ id: number; name: string; households: number; population: number }>): Promise<void> {
    await this.updateById('grid', ['name::text', 'households::int', 'population::int'], rows.map((r) => [r.id, r.name, r.households, r.population]), ', updated_at = now()');
  }

  async insertDepartments(rows: ReadonlyArray<{ gridId: number; name: string }>): Promise<ExistingDepartment[]> {
    if (!rows.length) return [];
    const values: unknown[] = [];
    const tuples = rows.map((r) => {
      values.push(r.gridId, r.name);
      return '(?, ?)';
    });
    return query<ExistingDepartment>(this.em, `insert into department (grid_id, name) values ${tuples.join(', ')} returning id, grid_id as "gridId", name`, values);
  }

  /** Sets role, phone and department of many members in one statement. */
  async updateMembers(rows: ReadonlyArray<{ id: number; role: string; phone: string | null; departmentId: number | null }>): Promise<void> {
    await this.updateById('member', ['role::text', 'phone::text', 'department_id::int'], rows.map((r) => [r.id, r.role, r.phone, r.departmentId]), '');
  }

  /** `update <table> set <columns> from (values …)` keyed by id; each row is [id, ...values in `columns` order]; `extra` appends to the set list. */
  private async updateById(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>, extra: string): Promise<void> {
    if (!rows.length) return;
    const names = columns.map((c) => c.split('::')[0]!);
    const tuple = `(?::int, ${columns.map((c) => `?::${c.split('::')[1]!}`).join(', ')})`;
    await query(
      this.em,
      `update ${table} t set ${names.map((n) => `${n} = v.${n}`).join(', ')}${extra}
         from (values ${rows.map(() => tuple).join(', ')}) as v(id, ${names.join(', ')}) where t.id = v.id`,
      rows.flat(),
    );
  }
}
