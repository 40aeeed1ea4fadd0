import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { GridEntity } from './grid.entity.js';
import { MemberEntity } from './member.entity.js';

/** A functional department (城管, 民政, 电力 …) serving a grid's subtree; it receives dispatched work. */
@Entity({ tableName: 'department' })
@Unique({ properties: ['grid', 'name'] })
export class DepartmentEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', deleteRule: 'restrict', index: true })
  grid!: Rel<GridEntity>;

  @Property({ type: 'string', length: 64 })
  name!: string;

  /** The department's head (负责人): overdue work of the department is escalated to them. */
  @ManyToOne(() => MemberEntity, { fieldName: 'head_member_id', nullable: true, deleteRule: 'set null' })
  head?: Rel<MemberEntity> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
