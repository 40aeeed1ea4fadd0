import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The columns every queue of outgoing messages shares (the bot's outbox, a grid's second
 * channel): what to say and to whom to @-mention, what it is about, and its attempts. A message
 * is written in the same transaction as its cause and leased by a worker that sends it.
 */
@Entity({ abstract: true })
export abstract class QueuedMessageEntity<Status extends string> {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'text' })
  text!: string;

  /** Members to @-mention, resolved when it is sent (outbox: their bound WeChat contact, else their name in the text; channel: their mobile number). */
  @Property({ type: 'json', default: '[]' })
  mentionMemberIds: number[] & Opt = [];

  /**
   * Roles of the grid to @-mention (e.g. `chief`), resolved when the message is sent: whoever
   * holds the role then is mentioned, and a fan-out to 100,000 grids writes a constant instead
   * of joining their chiefs into every row.
   */
  @Property({ type: 'json', default: '[]' })
  mentionRoles: string[] & Opt = [];

  /** What it is: `reply`, `instruction`, `reminder`, `rollcall`, … */
  @Property({ type: 'string', length: 32 })
  kind!: string;

  /** The incident, instruction or round it concerns, for delivery status by code. */
  @Property({ type: 'string', length: 64, nullable: true, index: true })
  ref?: string | null;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: Status & Opt = 'pending' as Status;

  /** Sends started (counted before the send, so a crash mid-send shows as a second attempt). */
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
