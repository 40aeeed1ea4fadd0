import type { EntityManager } from '@mikro-orm/postgresql';
import { buildDemoCity, type DemoCity } from '../domain/demo-city.js';
import { DomainError } from '../domain/errors.js';
import { levelRank } from '../domain/grid-levels.js';
import { GridRepository } from '../repositories/grid.repository.js';
import { MemberRepository } from '../repositories/member.repository.js';

export interface SeedResult {
  grids: number;
  members: number;
  departments: number;
}

/** Loads a city (grids, departments, members) in one transaction with bulk inserts. */
export async function seedCity(em: EntityManager, city: DemoCity = buildDemoCity()): Promise<SeedResult> {
  return em.transactional(async (tx) => {
    const existing = await new GridRepository(tx).findByCode(city.grids[0]!.code);
    if (existing) throw new DomainError('CONFLICT', `grid ${existing.code} already exists; the database is already seeded`);
    const repo = new GridRepository(tx);
    const placed = new Map<string, { id: number; path: string }>();
    // Level by level, so every parent has its id and path before its children go in.
    const levels = [...new Set(city.grids.map((g) => g.level))].sort((a, b) => levelRank(a) - levelRank(b));
    for (const level of levels) {
      const batch = city.grids.filter((g) => g.level === level);
      for (let i = 0; i < batch.length; i += 2000) {
        const rows = await repo.insertMany(
          batch.slice(i, i + 2000).map((g) => {
            const parent = g.parent ? placed.get(g.parent) : undefined;
            if (g.parent && !parent) throw new Error(`seed: parent ${g.parent} of ${g.code} missing`);
            return { ...g, parentId: parent?.id ?? null, parentPath: parent?.path ?? null };
          }),
        );
        for (const r of rows) placed.set(r.code, { id: r.id, path: r.path });
      }
    }
    const members = new MemberRepository(tx);
    const deptIds = new Map<string, number>();
    for (const d of city.departments) deptIds.set(`${d.grid}/${d.name}`, await members.insertDepartment(placed.get(d.grid)!.id, d.name));
    for (let i = 0; i < city.members.length; i += 2000) {
      await members.insertMany(
        city.members.slice(i, i + 2000).map((m) => ({ gridId: placed.get(m.grid)!.id, name: m.name, role: m.role, phone: m.phone, departmentId: m.department ? deptIds.get(`${m.grid}/${m.department}`)! : null })),
      );
    }
    return { grids: city.grids.length, members: city.members.length, departments: city.departments.length };
  });
}
