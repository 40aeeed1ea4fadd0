import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { Role } from '../domain/roles.js';
import { GridEntity } from './grid.entity.js';
import { MemberEntity } from './member.entity.js';

/** A bearer token: only its SHA-256 is stored; scoped to a grid subtree with one role. */
@Entity({ tableName: 'api_token' })
export class ApiTokenEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  secretHash!: string;

  @Property({ type: 'string', length: 16 })
  role!: Role;

  /** The subtree the token sees; null only for operator (admin) tokens, which see the whole tree. */
  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', nullable: true, deleteRule: 'cascade', index: true })
  grid?: Rel<GridEntity> | null;

  @ManyToOne(() => MemberEntity, { fieldName: 'member_id', nullable: true, deleteRule: 'cascade' })
  member?: Rel<MemberEntity> | null;

  @Property({ type: 'string', length: 128, nullable: true })
  label?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
