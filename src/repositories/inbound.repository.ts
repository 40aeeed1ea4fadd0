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
}

/**
 * The bot's inbox table: every message the bot acts on is a row first (unique per bot account
 * and WeChat message id), then marked handled in the transaction that queues its reply.
 */
export class InboundRepository {
  constructor(private readonly em: EntityManager) {}

  /** Stores a message as pending; null when this account already stored that message id. */
  async store(m: NewInboundMessage, now: Date): Promise<string | null> {
    const rows = await query<{ id: string }>(
      this.em,
      `insert into inbound_message (bot_account, message_id, room_id, sender_id, sender_name, kind, text, media_key, status, received_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) on conflict (bot_account, message_id) do nothing returning id`,
      [m.botAccount, m.messageId.slice(0, 128), m.roomId.slice(0, 128), m.senderId.slice(0, 128), m.senderName.slice(0, 128), m.kind, m.text.slice(0, 20_000), m.mediaKey, now],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /** What a previous run stored but did not finish, oldest first. */
  async pending(botAccount: string): Promise<PendingInboundMessage[]> {
    const rows = await query<{ id: string; message_id: string; room_id: string; sender_id: string; sender_name: string; kind: string; text: string; media_key: string | null }>(
      this.em,
      `select id, message_id, room_id, sender_id, sender_name, kind, text, media_key from inbound_message where bot_account = ? and status = 'pending' order by id`,
      [botAccount],
    );
    return rows.map((r) => ({ id: String(r.id), botAccount, messageId: r.message_id, roomId: r.room_id, senderId: r.sender_id, senderName: r.sender_name, kind: r.kind, text: r.text, mediaKey: r.media_key }));
  }

  /** The id of a message still pending, or null. */
  async pendingId(botAccount: string, messageId: string): Promise<string | null> {
    const rows = await query<{ id: string }>(this.em, `select id from inbound_message where bot_account = ? and message_id = ? and status = 'pending'`, [botAccount, messageId]);
    return rows[0] ? String(rows[0].id) : null;
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
