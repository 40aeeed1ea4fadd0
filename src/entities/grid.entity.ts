import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { GridLevel, RiskColour } from '../domain/grid-levels.js';

/**
 * A node of the grid tree. `path` is the ltree of ancestor ids down to this grid's own id
 * (`1.4.23`), GiST-indexed so a whole subtree is one indexed `path <@ $1` query.
 */
@Entity({ tableName: 'grid' })
export class GridEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 16 })
  level!: GridLevel;

  @ManyToOne(() => GridEntity, { nullable: true, fieldName: 'parent_id', deleteRule: 'restrict', index: true })
  parent?: Rel<GridEntity> | null;

  @Index({ name: 'grid_path_gist', expression: 'create index "grid_path_gist" on "grid" using gist ("path")' })
  @Property({ type: 'string', columnType: 'ltree' })
  path!: string;

  @Property({ type: 'integer' })
  depth!: number;

  @Property({ type: 'string', length: 8, default: 'green' })
  riskColour: RiskColour & Opt = 'green';

  @Property({ type: 'integer', default: 0 })
  households: number & Opt = 0;

  @Property({ type: 'integer', default: 0 })
  population: number & Opt = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
