import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import type { SlotStatus } from '../domain/clearance-record.js';
import { ClearanceRoundEntity } from './clearance-round.entity.js';
import { GridEntity } from './grid.entity.js';

/**
 * One grid's confirmation in one round: created pending with the round, answered once
 * (confirmed, possibly late, possibly a zero report), or marked missed at the deadline.
 */
@Entity({ tableName: 'clearance_slot' })
@Unique({ properties: ['round', 'grid'] })
export class ClearanceSlotEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => ClearanceRoundEntity, { fieldName: 'round_id', deleteRule: 'cascade' })
  round!: Rel<ClearanceRoundEntity>;

  /** Indexed for a grid's history (考核). */
  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', deleteRule: 'cascade', index: true })
  grid!: Rel<GridEntity>;

  /** The grid's ltree path when the round opened, for subtree progress without a join. */
  @Index({ name: 'clearance_slot_path_gist', expression: 'create index "clearance_slot_path_gist" on "clearance_slot" using gist ("path")' })
  @Property({ type: 'string', columnType: 'ltree' })
  path!: string;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: SlotStatus & Opt = 'pending';

  @Property({ type: 'boolean', default: false })
  zeroReport: boolean & Opt = false;

  /** Answered after the deadline. */
  @Property({ type: 'boolean', default: false })
  late: boolean & Opt = false;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  /** Open overdue incidents of the grid when it sent a zero report (accepted, flagged). */
  @Property({ type: 'json', default: '[]' })
  flaggedCodes: string[] & Opt = [];

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  confirmedAt?: Date | null;

  @Property({ type: 'integer', nullable: true })
  confirmedByMemberId?: number | null;

  @Property({ type: 'string', length: 16, nullable: true })
  actorRole?: string | null;

  /** `graphql` or `bot`. */
  @Property({ type: 'string', length: 16, nullable: true })
  source?: string | null;

  /** When it was marked missed at the deadline (kept if it answers late afterwards). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  missedAt?: Date | null;
}
