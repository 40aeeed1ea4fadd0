import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

export type ChannelMessageStatus = 'pending' | 'sent' | 'failed';

/**
 * A message for a grid's second channel (a WeCom robot), written in the same transaction as its
 * cause (a grade I instruction, a failed WeChat send) and drained by the channel worker, which
 * leases rows so two instances never send one twice. One row is one request: a text longer than
 * the channel takes is split into numbered parts when it is queued.
 */
@Entity({ tableName: 'channel_message' })
@Index({ name: 'channel_message_due', expression: `create index "channel_message_due" on "channel_message" ("grid_id", "next_attempt_at", "id") where "status" = 'pending'` })
export class ChannelMessageEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** The channel kind (`wecom`). */
  @Property({ type: 'string', length: 16 })
  channel!: string;

  @Property({ type: 'integer' })
  gridId!: number;

  @Property({ type: 'text' })
  text!: string;

  /** @all (WeChat groups have no such thing for bots; a WeCom robot does). */
  @Property({ type: 'boolean', default: false })
  mentionAll: boolean & Opt = false;

  /** Members to @-mention by their mobile number, resolved at send time like the outbox's. */
  @Property({ type: 'json', default: '[]' })
  mentionMemberIds: number[] & Opt = [];

  @Property({ type: 'json', default: '[]' })
  mentionRoles: string[] & Opt = [];

  @Property({ type: 'string', length: 220, unique: true })
  dedupeKey!: string;

  @Property({ type: 'string', length: 32 })
  kind!: string;

  @Property({ type: 'string', length: 64, nullable: true, index: true })
  ref?: string | null;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: ChannelMessageStatus & Opt = 'pending';

  @Property({ type: 'integer', default: 0 })
  attempts: number & Opt = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  nextAttemptAt!: Date;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  sentAt?: Date | null;
}
