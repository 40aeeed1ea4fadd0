import { Entity, Index, type Opt, Property } from '@mikro-orm/core';
import { QueuedMessageEntity } from './queued-message.entity.js';

export type ChannelMessageStatus = 'pending' | 'sent' | 'failed';

/**
 * A message for a grid's second channel (a WeCom robot), written in the same transaction as its
 * cause (a grade I instruction, a failed WeChat send) and drained by the channel worker, which
 * leases rows so two instances never send one twice. One row is one request: a text longer than
 * the channel takes is split into numbered parts when it is queued.
 */
@Entity({ tableName: 'channel_message' })
@Index({ name: 'channel_message_due', expression: `create index "channel_message_due" on "channel_message" ("grid_id", "next_attempt_at", "id") where "status" = 'pending'` })
export class ChannelMessageEntity extends QueuedMessageEntity<ChannelMessageStatus> {
  /** The channel kind (`wecom`). */
  @Property({ type: 'string', length: 16 })
  channel!: string;

  @Property({ type: 'integer' })
  gridId!: number;

  /** @all (WeChat groups have no such thing for bots; a WeCom robot does). */
  @Property({ type: 'boolean', default: false })
  mentionAll: boolean & Opt = false;

  @Property({ type: 'string', length: 220, unique: true })
  dedupeKey!: string;
}
