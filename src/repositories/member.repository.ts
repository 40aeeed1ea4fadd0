import type { EntityManager } from '@mikro-orm/postgresql';
import { DepartmentEntity } from '../entities/department.entity.js';
import { IncidentDepartmentEntity } from '../entities/incident-department.entity.js';
import { MemberEntity } from '../entities/member.entity.js';
import { query } from './sql.js';

/** A member row for a bulk insert. */
export interface NewMember {
  gridId: number;
  name: string;
  role: string;
  phone: string | null;
  departmentId: number | null;
}

/** Members and departments of many grids at once (for DataLoader batches), and their bulk inserts. */
export class MemberRepository {
  constructor(private readonly em: EntityManager) {}

  membersOf(gridIds: readonly number[]): Promise<MemberEntity[]> {
    return this.em.find(MemberEntity, { grid: { $in: [...gridIds] } }, { orderBy: { id: 'asc' } });
  }

  departmentsOf(gridIds: readonly number[]): Promise<DepartmentEntity[]> {
    return this.em.find(DepartmentEntity, { grid: { $in: [...gridIds] } }, { orderBy: { id: 'asc' } });
  }

  membersByIds(ids: readonly number[]): Promise<MemberEntity[]> {
    return this.em.find(MemberEntity, { id: { $in: [...ids] } });
  }

  /** Co-departments' parts of these incidents (joint handling), oldest first. */
  partsOf(incidentIds: readonly number[]): Promise<IncidentDepartmentEntity[]> {
    return this.em.find(IncidentDepartmentEntity, { incident: { $in: [...incidentIds] } }, { populate: ['department'], orderBy: { id: 'asc' } });
  }

  departmentsByIds(ids: readonly number[]): Promise<DepartmentEntity[]> {
    return this.em.find(DepartmentEntity, { id: { $in: [...ids] } });
  }

  async insertDepartment(gridId: number, name: string): Promise<number> {
    const [row] = await query<{ id: number }>(this.em, 'insert into department (grid_id, name) values (?, ?) returning id', [gridId, name]);
    return row!.id;
  }

  /** Inserts members with one statement (callers keep batches to a few thousand rows). */
  async insertMany(members: readonly NewMember[]): Promise<void> {
    if (!members.length) return;
    const values: unknown[] = [];
    const tuples = members.map((m) => {
      values.push(m.gridId, m.name, m.role, m.phone, m.departmentId);
      return '(?, ?, ?, ?, ?)';
    });
    await query(this.em, `insert into member (grid_id, name, role, phone, department_id) values ${tuples.join(', ')}`, values);
  }

  /** The department named `name` serving the grid at `path`: its own or the nearest grid's above it. */
  async departmentServing(name: string, path: string): Promise<number | null> {
    const [dept] = await query<{ id: number }>(this.em, `select d.id from department d join grid g on g.id = d.grid_id where d.name = ? and g.path @> ?::ltree order by g.depth desc limit 1`, [name, path]);
    return dept?.id ?? null;
  }
}
