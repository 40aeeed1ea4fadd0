import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { MemberRole } from '../domain/roles.js';
import { DepartmentEntity } from './department.entity.js';
import { GridEntity } from './grid.entity.js';

/** A person of the grid team, bound to one grid with one role. */
@Entity({ tableName: 'member' })
export class MemberEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', deleteRule: 'restrict', index: true })
  grid!: Rel<GridEntity>;

  @Property({ type: 'string', length: 64 })
  name!: string;

  @Property({ type: 'string', length: 16 })
  role!: MemberRole;

  @Property({ type: 'string', length: 32, nullable: true })
  phone?: string | null;

  @ManyToOne(() => DepartmentEntity, { fieldName: 'department_id', nullable: true, deleteRule: 'restrict', index: true })
  department?: Rel<DepartmentEntity> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
