import { isWithin, levelRank, canNest, type GridLevel } from '../domain/grid-levels.js';
import type { Actor } from '../domain/actor.js';
import type { CityRow, DepartmentRow, GridRow, MemberRow, RowError } from '../domain/city-file.js';
import { GridEntity } from '../entities/grid.entity.js';
import { CityRepository, type ExistingDepartment, type ExistingGrid, type ExistingMember } from '../repositories/city.repository.js';
import { GridRepository } from '../repositories/grid.repository.js';
import { MemberRepository, type NewMember } from '../repositories/member.repository.js';
import type { ServiceDeps } from './context.js';
import { assertMay, type GridService } from './grid.service.js';

/** What an import did, or (with `errors`) why it wrote nothing. */
export interface ImportReport {
  errors: RowError[];
  grids: { created: number; updated: number };
  departments: { created: number };
  members: { created: number; updated: number };
}

const BATCH = 2000;
const key = (grid: string | number, name: string) => `${grid}/${name}`;

/** The grids a file names: those already stored and those the file adds (by code). */
interface Tree {
  stored: Map<string, ExistingGrid>;
  added: Map<string, GridRow>;
}

/** Plans and applies a city file: every row checked against the file and the database, then all written in one transaction, or nothing. */
export class CityImportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly gridService: GridService,
  ) {}

  async importCity(actor: Actor, rows: readonly CityRow[]): Promise<ImportReport> {
    const changed = { created: [] as string[], updated: [] as string[] };
    const kinds = new Set(rows.map((r) => r.kind));
    if (kinds.has('grid')) assertMay(actor, 'grid.create');
    if (kinds.has('department')) assertMay(actor, 'department.create');
    if (kinds.has('member')) assertMay(actor, 'member.register');
    const grids = rows.filter((r): r is GridRow => r.kind === 'grid');
    const departments = rows.filter((r): r is DepartmentRow => r.kind === 'department');
    const members = rows.filter((r): r is MemberRow => r.kind === 'member');

    return this.deps.em.transactional(async (em) => {
      const repo = new CityRepository(em);
      const codes = new Set<string>([...grids.flatMap((g) => (g.parent ? [g.code, g.parent] : [g.code])), ...departments.map((d) => d.grid), ...members.map((m) => m.grid)]);
      const tree: Tree = { stored: new Map((await repo.gridsByCodes([...codes])).map((g) => [g.code, g])), added: new Map() };
      const errors: RowError[] = [];
      const fail = (line: number, message: string) => errors.push({ line, message });

      // Grids: new ones added, stored ones updated when their name or counts differ.
      const gridUpdates: Array<{ id: number; name: string; households: number; population: number; code: string }> = [];
      for (const g of grids) {
        const stored = tree.stored.get(g.code);
        if (tree.added.has(g.code) || gridUpdates.some((u) => u.code === g.code)) fail(g.line, `grid ${g.code} appears twice in the file`);
        else if (stored) this.planStoredGrid(actor, g, stored, gridUpdates, fail);
        else tree.added.set(g.code, g);
      }
      for (const g of tree.added.values()) {
        const problem = this.parentProblem(actor, g, tree);
        if (problem) fail(g.line, problem);
      }
      const gridOf = (line: number, code: string): string | null => {
        const stored = tree.stored.get(code);
        if (stored && isWithin(stored.path, actor.path)) return code;
        if (!stored && tree.added.has(code)) return code;
        fail(line, `grid ${code} is neither in the file nor in your scope`);
        return null;
      };

      const storedIds = [...tree.stored.values()].map((g) => g.id);
      const storedDepts = new Map((await repo.departmentsAt(storedIds)).map((d) => [key(d.gridId, d.name), d]));
      const idOf = (code: string) => tree.stored.get(code)?.id ?? -1;
      const newDepts = new Map<string, DepartmentRow>();
      for (const d of departments) {
        if (!gridOf(d.line, d.grid)) continue;
        const k = key(d.grid, d.name);
        if (newDepts.has(k)) fail(d.line, `department ${d.name} at ${d.grid} appears twice in the file`);
        else if (!storedDepts.has(key(idOf(d.grid), d.name))) newDepts.set(k, d);
        else newDepts.set(k, { ...d, line: -1 }); // already stored: nothing to write, but a later duplicate is still a duplicate
      }

      const storedMembers = new Map<string, ExistingMember>();
      for (const m of await repo.membersAt(storedIds)) if (!storedMembers.has(key(m.gridId, m.name))) storedMembers.set(key(m.gridId, m.name), m);
      const seenMembers = new Set<string>();
      const memberPlan: Array<{ row: MemberRow; stored: ExistingMember | null }> = [];
      for (const m of members) {
        if (!gridOf(m.line, m.grid)) continue;
        const k = key(m.grid, m.name);
        if (seenMembers.has(k)) {
          fail(m.line, `member ${m.name} at ${m.grid} appears twice in the file`);
          continue;
        }
        seenMembers.add(k);
        if (m.department && !newDepts.has(key(m.grid, m.department)) && !storedDepts.has(key(idOf(m.grid), m.department))) {
          fail(m.line, `department ${m.department} is neither in the file nor stored at grid ${m.grid}`);
          continue;
        }
        memberPlan.push({ row: m, stored: storedMembers.get(key(idOf(m.grid), m.name)) ?? null });
      }

      const report: ImportReport = { errors: errors.sort((a, b) => a.line - b.line), grids: { created: 0, updated: 0 }, departments: { created: 0 }, members: { created: 0, updated: 0 } };
      if (errors.length) return report;

      // Write: grids level by level (parents first), then departments, then members.
      const placed = new Map<string, { id: number; path: string }>([...tree.stored.values()].map((g) => [g.code, g]));
      const added = [...tree.added.values()].sort((a, b) => levelRank(a.level) - levelRank(b.level));
      const gridRepo = new GridRepository(em);
      for (const level of new Set(added.map((g) => g.level))) {
        const batch = added.filter((g) => g.level === level);
        for (let i = 0; i < batch.length; i += BATCH) {
          const inserted = await gridRepo.insertMany(
            batch.slice(i, i + BATCH).map((g) => {
              const parent = g.parent ? placed.get(g.parent)! : null;
              return { code: g.code, name: g.name, level: g.level, parentId: parent?.id ?? null, parentPath: parent?.path ?? null, ...(g.households !== undefined ? { households: g.households } : {}), ...(g.population !== undefined ? { population: g.population } : {}) };
            }),
          );
          for (const r of inserted) placed.set(r.code, r);
        }
      }
      await repo.updateGrids(gridUpdates);
      const deptIds = new Map<string, number>([...storedDepts.values()].map((d: ExistingDepartment) => [key(d.gridId, d.name), d.id]));
      const toInsert = [...newDepts.values()].filter((d) => d.line !== -1);
      for (const d of await repo.insertDepartments(toInsert.map((d) => ({ gridId: placed.get(d.grid)!.id, name: d.name })))) deptIds.set(key(d.gridId, d.name), d.id);

      const inserts: NewMember[] = [];
      const updates: Array<{ id: number; role: string; phone: string | null; departmentId: number | null }> = [];
      for (const { row, stored } of memberPlan) {
        const gridId = placed.get(row.grid)!.id;
        const departmentId = row.department ? deptIds.get(key(gridId, row.department))! : null;
        if (!stored) inserts.push({ gridId, name: row.name, role: row.role, phone: row.phone, departmentId });
        else if (stored.role !== row.role || stored.phone !== row.phone || stored.departmentId !== departmentId) updates.push({ id: stored.id, role: row.role, phone: row.phone, departmentId });
      }
      const memberRepo = new MemberRepository(em);
      for (let i = 0; i < inserts.length; i += BATCH) await memberRepo.insertMany(inserts.slice(i, i + BATCH));
      await repo.updateMembers(updates);

      changed.created = added.map((g) => g.code);
      changed.updated = gridUpdates.map((g) => g.code);
      report.grids = { created: added.length, updated: gridUpdates.length };
      report.departments.created = toInsert.length;
      report.members = { created: inserts.length, updated: updates.length };
      return report;
    }).then(async (report) => {
      await this.publish('CREATED', changed.created);
      await this.publish('RENAMED', changed.updated);
      return report;
    });
  }

  /** A stored grid named again: within scope, same level and parent; its name and counts may change. */
  private planStoredGrid(actor: Actor, g: GridRow, stored: ExistingGrid, updates: Array<{ id: number; name: string; households: number; population: number; code: string }>, fail: (line: number, message: string) => void): void {
    if (!isWithin(stored.path, actor.path)) return void fail(g.line, `grid ${g.code} exists outside your scope`);
    if (stored.level !== g.level) return void fail(g.line, `grid ${g.code} is a ${stored.level}; an import does not change levels`);
    if (stored.parentCode !== g.parent) return void fail(g.line, `grid ${g.code} sits under ${stored.parentCode ?? '(the root)'}; move it with moveGrid, not by import`);
    const households = g.households ?? stored.households;
    const population = g.population ?? stored.population;
    if (stored.name !== g.name || stored.households !== households || stored.population !== population) updates.push({ id: stored.id, code: g.code, name: g.name, households, population });
  }

  /** Why a new grid cannot go under its parent (missing, out of scope, a level that does not nest), or null. */
  private parentProblem(actor: Actor, g: GridRow, tree: Tree): string | null {
    if (!g.parent) return actor.path === '' ? null : 'only the operator may create a root grid';
    const stored = tree.stored.get(g.parent);
    let parentLevel: GridLevel;
    if (stored) {
      if (!isWithin(stored.path, actor.path)) return `parent ${g.parent} is not in your scope`;
      parentLevel = stored.level;
    } else {
      const added = tree.added.get(g.parent);
      if (!added) return `parent ${g.parent} is neither in the file nor stored`;
      parentLevel = added.level;
    }
    return canNest(parentLevel, g.level) ? null : `a ${g.level} cannot sit under a ${parentLevel}`;
  }

  /** Tells live feeds (gridChanged) about the grids the import added or changed, after the commit. */
  private async publish(kind: 'CREATED' | 'RENAMED', codes: string[]): Promise<void> {
    if (!codes.length) return;
    for (const grid of await this.deps.em.fork().find(GridEntity, { code: { $in: codes } })) this.gridService.publish(kind, grid, 'import');
  }
}
