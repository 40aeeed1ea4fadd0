import type { EntityManager } from '@mikro-orm/postgresql';
import type { GridLevel, RiskColour } from '../domain/grid-levels.js';
import { GridEntity } from '../entities/grid.entity.js';
import { query } from './sql.js';

/** What a new grid needs; `id` and `path` are assigned here. */
export interface NewGrid {
  code: string;
  name: string;
  level: GridLevel;
  parentId: number | null;
  parentPath: string | null;
  riskColour?: RiskColour;
  households?: number;
  population?: number;
}

/** Grid queries that need ltree or bulk SQL. Subtree filters always go through `path <@`. */
export class GridRepository {
  constructor(private readonly em: EntityManager) {}

  findByCode(code: string): Promise<GridEntity | null> {
    return this.em.findOne(GridEntity, { code });
  }

  /** Grids under `scopePath` (all when ''), optionally of one level, ordered by code, keyset-paged. */
  async listUnder(scopePath: string, opts: { level?: GridLevel; first: number; afterCode?: string }): Promise<GridEntity[]> {
    const qb = this.em.createQueryBuilder(GridEntity, 'g').select('*').orderBy({ code: 'asc' }).limit(opts.first);
    if (scopePath !== '') qb.where('g.path <@ ?::ltree', [scopePath]);
    if (opts.level) qb.andWhere({ level: opts.level });
    if (opts.afterCode) qb.andWhere({ code: { $gt: opts.afterCode } });
    return qb.getResultList();
  }

  /** Grids by id, restricted to a scope (ids outside it are simply absent). */
  async byIds(ids: readonly number[], scopePath: string): Promise<GridEntity[]> {
    const qb = this.em.createQueryBuilder(GridEntity, 'g').select('*').where({ id: { $in: [...ids] } });
    if (scopePath !== '') qb.andWhere('g.path <@ ?::ltree', [scopePath]);
    return qb.getResultList();
  }

  async childrenOf(parentIds: readonly number[]): Promise<GridEntity[]> {
    return this.em.find(GridEntity, { parent: { $in: [...parentIds] } }, { orderBy: { code: 'asc' } });
  }

  /** Inserts grids in one statement, parents before children; returns them with ids and paths. */
  async insertMany(grids: NewGrid[]): Promise<Array<NewGrid & { id: number; path: string }>> {
    if (grids.length === 0) return [];
    const ids = await query<{ id: number }>(this.em, `select nextval('grid_id_seq')::int as id from generate_series(1, ?)`, [grids.length]);
    const rows = grids.map((g, i) => {
      const id = ids[i]!.id;
      return { ...g, id, path: g.parentPath ? `${g.parentPath}.${id}` : String(id) };
    });
    const values: unknown[] = [];
    const tuples = rows.map((r) => {
      values.push(r.id, r.code, r.name, r.level, r.parentId, r.path, r.path.split('.').length - 1, r.riskColour ?? 'green', r.households ?? 0, r.population ?? 0);
      return '(?, ?, ?, ?, ?, ?::ltree, ?, ?, ?, ?)';
    });
    await query(this.em, `insert into grid (id, code, name, level, parent_id, path, depth, risk_colour, households, population) values ${tuples.join(', ')}`, values);
    return rows;
  }

  /** Why a grid cannot be moved or deleted: counts of what hangs on it. */
  async dependents(gridId: number): Promise<{ children: number; members: number; departments: number; incidents: number; instructions: number; groups: number; clearances: number }> {
    const [row] = await query<Record<'children' | 'members' | 'departments' | 'incidents' | 'instructions' | 'groups' | 'clearances', string>>(
      this.em,
      `select (select count(*) from grid where parent_id = ?) as children,
              (select count(*) from member where grid_id = ?) as members,
              (select count(*) from department where grid_id = ?) as departments,
              (select count(*) from incident where grid_id = ?) as incidents,
              (select count(*) from instruction_receipt where grid_id = ?) as instructions,
              (select count(*) from chat_group where grid_id = ?) as groups,
              (select count(*) from clearance_slot where grid_id = ?) as clearances`,
      [gridId, gridId, gridId, gridId, gridId, gridId, gridId],
    );
    const n = (k: keyof typeof row) => Number(row![k]);
    return { children: n('children'), members: n('members'), departments: n('departments'), incidents: n('incidents'), instructions: n('instructions'), groups: n('groups'), clearances: n('clearances') };
  }

  /** Re-roots a grid (leaf) under a new parent: its path and depth follow. */
  async move(gridId: number, newParentId: number, newParentPath: string): Promise<string> {
    const path = `${newParentPath}.${gridId}`;
    await query(this.em, `update grid set parent_id = ?, path = ?::ltree, depth = nlevel(?::ltree) - 1, updated_at = now() where id = ?`, [newParentId, path, path, gridId]);
    return path;
  }

  async delete(gridId: number): Promise<void> {
    await query(this.em, 'delete from grid where id = ?', [gridId]);
  }

  async count(): Promise<number> {
    const [row] = await query<{ n: string }>(this.em, 'select count(*) as n from grid');
    return Number(row!.n);
  }
}
