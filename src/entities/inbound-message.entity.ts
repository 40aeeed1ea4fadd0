import { Entity, Index, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export type InboundStatus = 'pending' | 'done' | 'failed';

/**
 * Every group message, stored before anything acts on it. Unique per (bot account, WeChat
 * message id): a redelivered message is not acted on twice; `pending` rows left by a crash
 * are resumed on the next start.
 */
@Entity({ tableName: 'inbound_message' })
@Unique({ properties: ['botAccount', 'messageId'] })
@Index({ name: 'inbound_message_pending', expression: `create index "inbound_message_pending" on "inbound_message" ("bot_account", "id") where "status" = 'pending'` })
export class InboundMessageEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64 })
  botAccount!: string;

  @Property({ type: 'string', length: 128 })
  messageId!: string;

  @Property({ type: 'string', length: 128 })
  roomId!: string;

  @Property({ type: 'string', length: 128 })
  senderId!: string;

  @Property({ type: 'string', length: 128 })
  senderName!: string;

  /** `text` or `image` (other kinds are stored but not acted on). */
  @Property({ type: 'string', length: 16 })
  kind!: string;

  @Property({ type: 'text' })
  text!: string;

  /** Storage key of an image message's photo, once stored. */
  @Property({ type: 'string', length: 128, nullable: true })
  mediaKey?: string | null;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: InboundStatus & Opt = 'pending';

  /** What the bot did, e.g. `report E20261122-0012` or the refusal code. */
  @Property({ type: 'text', nullable: true })
  outcome?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  handledAt?: Date | null;
}
