import type { EntityManager } from '@mikro-orm/postgresql';
import { DepartmentEntity } from '../entities/department.entity.js';
import { MemberEntity } from '../entities/member.entity.js';

/** Members and departments of many grids at once (for DataLoader batches). */
export class MemberRepository {
  constructor(private readonly em: EntityManager) {}

  membersOf(gridIds: readonly number[]): Promise<MemberEntity[]> {
    return this.em.find(MemberEntity, { grid: { $in: [...gridIds] } }, { orderBy: { id: 'asc' } });
  }

  departmentsOf(gridIds: readonly number[]): Promise<DepartmentEntity[]> {
    return this.em.find(DepartmentEntity, { grid: { $in: [...gridIds] } }, { orderBy: { id: 'asc' } });
  }
}
