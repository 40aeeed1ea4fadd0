import { Entity, Index, ManyToOne, type Opt, Property, type Rel } from '@mikro-orm/core';
import type { GridLevel } from '../domain/grid-levels.js';
import { GridEntity } from './grid.entity.js';
import { InstructionEntity } from './instruction.entity.js';

/**
 * One receiving grid of an instruction. Written for all targets by one INSERT … SELECT; a
 * grid's first acknowledgement and first result are kept here (who and when), so it counts
 * once however often it answers. The chase columns record each reminder and overdue mark;
 * setting one is what claims it, so it happens once with any number of instances.
 */
@Entity({ tableName: 'instruction_receipt' })
@Index({ properties: ['grid', 'instruction'] })
export class InstructionReceiptEntity {
  // No foreign-key constraints: receipts are written only by the fan-out's INSERT … SELECT from
  // the grid table, in the transaction that creates their instruction; instructions are never
  // deleted, and a grid with receipts cannot be moved or deleted (GridService checks). The two
  // per-row checks cost 1.4 s of a 100,000-grid fan-out (EXPLAIN ANALYZE).
  @ManyToOne(() => InstructionEntity, { fieldName: 'instruction_id', primary: true, createForeignKeyConstraint: false })
  instruction!: Rel<InstructionEntity>;

  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', primary: true, createForeignKeyConstraint: false })
  grid!: Rel<GridEntity>;

  @Property({ type: 'string', columnType: 'ltree' })
  path!: string;

  @Property({ type: 'string', length: 16 })
  level!: GridLevel;

  @Property({ type: 'integer', nullable: true })
  parentId?: number | null;

  /** This grid's own items (persons or places to check). */
  @Property({ type: 'json', default: '[]' })
  items: string[] & Opt = [];

  /**
   * When this grid's group (or its second channel) was sent the instruction: its
   * acknowledgement and result windows run from here. Null while the grid is still being told.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  /** How it was told: `wechat`, `wecom`, or `answer` (it answered before the send was recorded). */
  @Property({ type: 'string', length: 16, nullable: true })
  deliveredVia?: string | null;

  /** When no channel could reach the grid (and it was not delivered): listed to the issuer. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  unreachableAt?: Date | null;

  /** Why: `no_channel` (no bound group, no webhook), `failed`, `undeliverable`, `webhook_failed` (domain/delivery.ts). */
  @Property({ type: 'string', length: 32, nullable: true })
  unreachableReason?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  acknowledgedAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  ackMemberId?: number | null;

  @Property({ type: 'string', length: 64, nullable: true })
  ackName?: string | null;

  @Property({ type: 'string', length: 16, nullable: true })
  ackRole?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  reportedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  resultText?: string | null;

  @Property({ type: 'integer', nullable: true })
  resultMemberId?: number | null;

  @Property({ type: 'string', length: 64, nullable: true })
  resultName?: string | null;

  @Property({ type: 'string', length: 16, nullable: true })
  resultRole?: string | null;

  /** Every answer, counted or not. */
  @Property({ type: 'integer', default: 0 })
  answers: number & Opt = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  ackRemindedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  ackOverdueAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  resultRemindedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  resultOverdueAt?: Date | null;
}
