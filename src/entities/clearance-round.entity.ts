import { Entity, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { ClearancePeriod } from '../domain/clearance-periods.js';
import type { GridLevel } from '../domain/grid-levels.js';

/**
 * One clearance round (日清、周清、月清 of one period). Unique per (period, key): however many
 * instances try to open it, it exists once. The `*_sent_at` / `closed_at` stamps are set once,
 * by a conditional update in the same transaction that queues the messages, so the roll-call,
 * the reminders and the misses happen once.
 */
@Entity({ tableName: 'clearance_round' })
@Unique({ properties: ['period', 'periodKey'] })
export class ClearanceRoundEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 16 })
  period!: ClearancePeriod;

  /** `20261123`, `2026W48`, `202611`. */
  @Property({ type: 'string', length: 16 })
  periodKey!: string;

  /** `D20261123`, `W2026W48`, `M202611`: the outbox `ref` of the round's messages. */
  @Property({ type: 'string', length: 20, unique: true })
  code!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  endsAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  rollCallAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  remindAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  deadlineAt!: Date;

  /** The levels asked to confirm when it opened. */
  @Property({ type: 'json' })
  levels!: GridLevel[];

  /** When it was actually opened: later than `startsAt` when caught up after downtime. */
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  openedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  rollCallSentAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  remindedAt?: Date | null;

  /** When the silent grids were marked missed (at or after the deadline). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
