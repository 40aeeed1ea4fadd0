import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import type { Place } from '../domain/places.js';
import { IncidentEntity } from './incident.entity.js';

export type InboundStatus = 'pending' | 'done' | 'failed';

/**
 * Every group message, stored before anything acts on it. Unique per (bot account, WeChat
 * message id): a redelivered message is not acted on twice; `pending` rows left by a crash
 * are retried by the inbox's retry loop (and at the next start).
 */
@Entity({ tableName: 'inbound_message' })
@Unique({ properties: ['botAccount', 'messageId'] })
@Index({ name: 'inbound_message_pending', expression: `create index "inbound_message_pending" on "inbound_message" ("bot_account", "id") where "status" = 'pending'` })
// A photo attaches to its sender's last report in the group: that lookup reads only report rows, newest first.
@Index({
  name: 'inbound_message_sender_reports',
  expression: `create index "inbound_message_sender_reports" on "inbound_message" ("bot_account", "room_id", "sender_id", "id") where "reported_incident_id" is not null`,
})
// A resident's verdict is asked of the contact whose message reported the incident.
@Index({ name: 'inbound_message_reported_incident', expression: `create index "inbound_message_reported_incident" on "inbound_message" ("reported_incident_id") where "reported_incident_id" is not null` })
// A photo or location sent before its report waits for it: the claim reads only unclaimed attachments of one sender.
@Index({
  name: 'inbound_message_waiting_attachments',
  expression: `create index "inbound_message_waiting_attachments" on "inbound_message" ("bot_account", "room_id", "sender_id", "id") where "kind" in ('image', 'location') and "attached_incident_id" is null`,
})
// A standby copy looks for the listener's copy of the same message: same group and sender, near in time.
@Index({ name: 'inbound_message_room_sender', properties: ['roomId', 'senderId', 'receivedAt'] })
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

  /** `text`, `image` or `location` (other kinds are stored but not acted on). */
  @Property({ type: 'string', length: 16 })
  kind!: string;

  @Property({ type: 'text' })
  text!: string;

  /** Storage key of an image message's photo, once stored. */
  @Property({ type: 'string', length: 128, nullable: true })
  mediaKey?: string | null;

  @Property({ type: 'string', length: 16, default: 'pending' })
  status: InboundStatus & Opt = 'pending';

  /** What the message was acted on as: a chat command (`report`, `handle` …), `photo` or `location`. */
  @Property({ type: 'string', length: 16, nullable: true })
  command?: string | null;

  /** What the bot did, e.g. `report E20261122-0012` or the refusal code. */
  @Property({ type: 'text', nullable: true })
  outcome?: string | null;

  /** The incident this message reported or stepped (`report`, `#处置`, `#办结`), so a photo or location sent right after finds it. */
  @ManyToOne(() => IncidentEntity, { fieldName: 'reported_incident_id', nullable: true, deleteRule: 'set null' })
  reportedIncident?: Rel<IncidentEntity> | null;

  /** How often the hub has started acting on it (the live path, then each retry). */
  @Property({ type: 'integer', default: 0 })
  attempts: number & Opt = 0;

  /**
   * When a pending message is due for a retry: a lease while someone acts on it, a back-off
   * after an unexpected failure. The inbox's retry loop takes due pending rows (bots/inbox.ts).
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  retryAt?: Date | null;

  /** A location message's place. */
  @Property({ type: 'json', nullable: true })
  location?: Place | null;

  /**
   * The incident a photo or location went to: sent after a report (or #处置, #办结), it is attached
   * at once; sent before, the row waits (null here) until the sender's next such command within
   * the window claims it.
   */
  @ManyToOne(() => IncidentEntity, { fieldName: 'attached_incident_id', nullable: true, deleteRule: 'set null' })
  attachedIncident?: Rel<IncidentEntity> | null;

  /**
   * A standby copy: one of our accounts heard this in a group that another account (named here)
   * listens in, while that account still held its lease. It waits until the listener has had its
   * chance; it is acted on only if the listener never stored the same message (it died, or lost
   * the group), so nothing said in the minute an account dies is lost.
   */
  @Property({ type: 'string', length: 64, nullable: true })
  standbyFor?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  receivedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  handledAt?: Date | null;
}
