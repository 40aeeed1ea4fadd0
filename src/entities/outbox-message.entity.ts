import { Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/**
 * Everything the bot says, written in the same transaction as its cause and drained by one
 * worker per bot account at a safe pace. `dedupeKey` is unique: the same message is never
 * queued (and so never sent) twice.
 */
@Entity({ tableName: 'outbox_message' })
@Index({ name: 'outbox_message_due', expression: `create index "outbox_message_due" on "outbox_message" ("bot_account", "next_attempt_at", "id") where "status" = 'pending'` })
export class OutboxMessageEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64 })
  botAccount!: string;

  @Property({ type: 'string', length: 128 })
  roomId!: string;

  /** The grid whose group it goes to (for delivery views; no index: nothing looks rows up by it). */
  @Property({ type: 'integer', nullable: true })
  gridId?: number | null;

  @Property({ type: 'text' })
  text!: string;

  /** Members to @-mention: by their bound WeChat contact, else by name in the text. */
  @Property({ type: 'json', default: '[]' })
  mentionMemberIds: number[] & Opt = [];

  /**
   * Roles of the group's grid to @-mention (e.g. `chief`), resolved when the message is sent:
   * whoever holds the role then is mentioned, and a fan-out to 100,000 grids writes a constant
   * instead of joining their chiefs into every row.
   */
  @Property({ type: 'json', default: '[]' })
  mentionRoles: string[] & Opt = [];

  @Property({ type: 'string', length: 200, unique: true })
  dedupeKey!: string;

  /** What it is: `reply`, `instruction`, `reminder`, `rollcall`, … */
  @Property({ type: 'string', length: 32 })
  kind!: string;

  /** The incident, instruction or round it concerns, for delivery status by code. */
  @Property({ type: 'string', length: 64, nullable: true, index: true })
  ref?: string | null;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: OutboxStatus & Opt = 'pending';

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
