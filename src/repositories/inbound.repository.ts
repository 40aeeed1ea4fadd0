import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/** A group message as the inbox stores it. */
export interface NewInboundMessage {
  botAccount: string;
  messageId: string;
  roomId: string;
  senderId: string;
  senderName: string;
  kind: string;
  text: string;
  mediaKey: string | null;
}

/** A stored message still waiting to be acted on. */
export interface PendingInboundMessage extends NewInboundMessage {
  id: string;
  /** Attempts so far, this one included. */
  attempts: number;
}

/**
 * The bot's inbox table: every message the bot acts on is a row first (unique per bot account
 * and WeChat message id), then marked handled in the transaction that queues its reply.
 * A pending row is retried (claimDue) once its lease or back-off (`retry_at`) is over.
 */
export class InboundRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Stores a message as pending, its first attempt leased to the caller until `leaseUntil`
   * (the retry loop leaves it alone until then); null when this account already stored that
   * message id.
   */
  async store(m: NewInboundMessage, now: Date, leaseUntil: Date): Promise<string | null> {
    const rows = await query<{ id: string }>(
      this.em,
      `insert into inbound_message (bot_account, message_id, room_id, sender_id, sender_name, kind, text, media_key, status, received_at, attempts, retry_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 1, ?) on conflict (bot_account, message_id) do nothing returning id`,
      [m.botAccount, m.messageId.slice(0, 128), m.roomId.slice(0, 128), m.senderId.slice(0, 128), m.senderName.slice(0, 128), m.kind, m.text.slice(0, 20_000), m.mediaKey, now, leaseUntil],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /**
   * Claims up to `limit` pending messages of `botAccount` that are due (never tried, their
   * lease or back-off over), oldest first: counts the attempt and leases each until
   * `leaseUntil`. Two instances never claim the same row (`skip locked`).
   */
  async claimDue(botAccount: string, now: Date, leaseUntil: Date, limit: number): Promise<PendingInboundMessage[]> {
    const rows = await query<{ id: string; message_id: string; room_id: string; sender_id: string; sender_name: string; kind: string; text: string; media_key: string | null; attempts: number }>(
      this.em,
      `update inbound_message m set attempts = m.attempts + 1, retry_at = ?
        where m.id in (select id from inbound_message where bot_account = ? and status = 'pending' and (retry_at is null or retry_at <= ?)
                        order by id limit ? for update skip locked)
        returning m.id, m.message_id, m.room_id, m.sender_id, m.sender_name, m.kind, m.text, m.media_key, m.attempts`,
      [leaseUntil, botAccount, now, limit],
    );
    return rows
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({ id: String(r.id), botAccount, messageId: r.message_id, roomId: r.room_id, senderId: r.sender_id, senderName: r.sender_name, kind: r.kind, text: r.text, mediaKey: r.media_key, attempts: r.attempts }));
  }

  /** A message still pending: its id and how often it was tried; null when it is not stored or already handled. */
  async pendingAttempt(botAccount: string, messageId: string): Promise<{ id: string; attempts: number } | null> {
    const rows = await query<{ id: string; attempts: number }>(this.em, `select id, attempts from inbound_message where bot_account = ? and message_id = ? and status = 'pending'`, [botAccount, messageId.slice(0, 128)]);
    return rows[0] ? { id: String(rows[0].id), attempts: rows[0].attempts } : null;
  }

  /** Leaves a pending message for the retry loop to try again at `retryAt`. */
  async postpone(id: string, retryAt: Date): Promise<void> {
    await query(this.em, `update inbound_message set retry_at = ? where id = ? and status = 'pending'`, [retryAt, id]);
  }

  /** Marks a message handled; `reportedCode` links a report message to the incident it reported. */
  async markHandled(id: string, status: 'done' | 'failed', outcome: string, reportedCode: string | null, now: Date): Promise<void> {
    await query(
      this.em,
      `update inbound_message set status = ?, outcome = ?, handled_at = ?, reported_incident_id = (select id from incident where code = ?) where id = ?`,
      [status, outcome.slice(0, 500), now, reportedCode, id],
    );
  }

  /** The code of the sender's last report in this group since `since` (before message `beforeId`). */
  async lastReportCode(botAccount: string, roomId: string, senderId: string, since: Date, beforeId?: string): Promise<string | null> {
    const rows = await query<{ code: string }>(
      this.em,
      `select i.code from inbound_message m join incident i on i.id = m.reported_incident_id
        where m.bot_account = ? and m.room_id = ? and m.sender_id = ? and m.reported_incident_id is not null and m.status = 'done'
          and m.received_at >= ? ${beforeId ? 'and m.id < ?' : ''} order by m.id desc limit 1`,
      [botAccount, roomId, senderId, since, ...(beforeId ? [beforeId] : [])],
    );
    return rows[0]?.code ?? null;
  }
}
