import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { GridLevel } from '../domain/grid-levels.js';
import type { InstructionGrade, InstructionStatus } from '../domain/instruction-grades.js';
import { GridEntity } from './grid.entity.js';

export type { InstructionStatus };

/**
 * An instruction issued once to every grid of a subtree at the chosen levels (docs/domain-rules.md#instructions).
 * `scopePath` is the issuing scope's ltree path: subscribers whose scope contains it see it.
 */
@Entity({ tableName: 'instruction' })
export class InstructionEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** `I{yyyymmdd}-{seq}`, the day in the grid time zone, gap-free. */
  @Property({ type: 'string', length: 16, unique: true })
  code!: string;

  @Property({ type: 'string', length: 4 })
  grade!: InstructionGrade;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'text', nullable: true })
  body?: string | null;

  @ManyToOne(() => GridEntity, { fieldName: 'scope_grid_id', deleteRule: 'restrict', index: true })
  scopeGrid!: Rel<GridEntity>;

  @Index({ name: 'instruction_scope_path_gist', expression: 'create index "instruction_scope_path_gist" on "instruction" using gist ("scope_path")' })
  @Property({ type: 'string', columnType: 'ltree' })
  scopePath!: string;

  /** The grid levels that received it. */
  @Property({ type: 'json' })
  levels!: GridLevel[];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  ackDeadlineAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  resultDeadlineAt!: Date;

  @Property({ type: 'boolean' })
  mentionChiefs!: boolean;

  /** How many grids received it (receipts). */
  @Property({ type: 'integer' })
  targets!: number;

  @Property({ type: 'string', length: 16, default: 'active' })
  status: InstructionStatus & Opt = 'active';

  @Property({ type: 'text', nullable: true })
  cancelReason?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  cancelledAt?: Date | null;

  /** Amendments appended so far (numbers them 补充1, 补充2 …). */
  @Property({ type: 'integer', default: 0 })
  amendments: number & Opt = 0;

  /** Chase stages already run for every receipt (domain/instruction-chase.ts): the job skips them. */
  @Property({ type: 'json', default: '[]' })
  chased: string[] & Opt = [];

  @Property({ type: 'integer', nullable: true })
  issuedByMemberId?: number | null;

  @Property({ type: 'string', length: 16 })
  issuerRole!: string;

  /** The issuer's subtree: only the issuer, or someone above with issuing rights, may cancel or amend. */
  @Property({ type: 'string', columnType: 'ltree' })
  issuerPath!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  issuedAt!: Date;
}
