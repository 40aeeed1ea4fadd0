import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { DepartmentEntity } from './department.entity.js';
import { GridEntity } from './grid.entity.js';

/**
 * A WeChat group the bot sits in. A group belongs to at most one grid and a grid has at most
 * one group (`#绑定群 CODE` or the `bindGroup` mutation); `botAccount` is the bot account that
 * is a member of it and sends its messages (a deployment runs several, each with a share).
 */
@Entity({ tableName: 'chat_group' })
export class ChatGroupEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 128, unique: true })
  roomId!: string;

  @Property({ type: 'string', length: 128, nullable: true })
  topic?: string | null;

  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', nullable: true, unique: true, deleteRule: 'restrict' })
  grid?: Rel<GridEntity> | null;

  /** Or a department's group (bound like a grid's): dispatch notices go here rather than to each contact. */
  @ManyToOne(() => DepartmentEntity, { fieldName: 'department_id', nullable: true, unique: true, deleteRule: 'restrict' })
  department?: Rel<DepartmentEntity> | null;

  @Property({ type: 'string', length: 64 })
  botAccount!: string;

  @Property({ type: 'integer', nullable: true })
  boundByMemberId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  boundAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
