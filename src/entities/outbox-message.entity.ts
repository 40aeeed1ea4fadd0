import { Entity, Index, type Opt, Property } from '@mikro-orm/core';
import { QueuedMessageEntity } from './queued-message.entity.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'undeliverable';

/**
 * Everything the bot says, written in the same transaction as its cause. A message names its
 * group (`roomId`), not an account: each online account's worker claims, at send time, the
 * most urgent due messages of the groups it sits in (`priority`, then oldest first), at its
 * own pace. `dedupeKey` is unique: the same message is never queued (and so never sent) twice.
 */
@Entity({ tableName: 'outbox_message' })
@Index({ name: 'outbox_message_lane', expression: `create index "outbox_message_lane" on "outbox_message" ("priority", "created_at", "id") where "status" = 'pending'` })
@Index({ name: 'outbox_message_claimed', expression: `create index "outbox_message_claimed" on "outbox_message" ("bot_account") where "status" = 'pending'` })
export class OutboxMessageEntity extends QueuedMessageEntity<OutboxStatus> {
  /** The account that sends (or sent) it: chosen when it is claimed, null until then. */
  @Property({ type: 'string', length: 64, nullable: true })
  botAccount?: string | null;

  /**
   * Only this account may send it (a direct message to a contact only that account knows);
   * null for group messages, which any online account in the group may send.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  viaAccount?: string | null;

  /** Its lane (src/domain/delivery-lanes.ts): 0 is sent first. */
  @Property({ type: 'smallint', default: 2 })
  priority: number & Opt = 2;

  /** While claimed by an account's worker: nobody else takes it before then. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  leaseUntil?: Date | null;

  /** Since when no online account could send it (null while one can): `undeliverable` after BOT_UNDELIVERABLE_AFTER_MS. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  strandedSince?: Date | null;

  @Property({ type: 'string', length: 128 })
  roomId!: string;

  /** The grid whose group it goes to (for delivery views; no index: nothing looks rows up by it). */
  @Property({ type: 'integer', nullable: true })
  gridId?: number | null;

  @Property({ type: 'string', length: 200, unique: true })
  dedupeKey!: string;
}
