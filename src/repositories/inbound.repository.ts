import type { EntityManager } from '@mikro-orm/postgresql';
import type { Place } from '../domain/places.js';
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
  /** A location message's place. */
  place?: Place | null;
  /** A standby copy: the account listening in the group, which should act on it instead. */
  standbyFor?: string | null;
}

/** A stored message still waiting to be acted on. */
export interface PendingInboundMessage extends NewInboundMessage {
  id: string;
  /** Attempts so far, this one included. */
  attempts: number;
  receivedAt: Date;
}

/** A photo or location the sender sent before a command, not yet claimed by one. */
export interface WaitingAttachment {
  id: string;
  kind: 'image' | 'location';
  mediaKey: string | null;
  place: Place | null;
}

/** How a handled message is marked. */
export interface HandledMark {
  status: 'done' | 'failed';
  outcome: string;
  /** What it was acted on as: a chat command, `photo` or `location`. */
  command: string | null;
  /** The incident a report (or #处置, #办结) acted on, so a photo or location sent right after finds it. */
  steppedCode: string | null;
  /** The incident a photo or location went to. */
  attachedCode: string | null;
}

const millis = (ms: number) => `${Math.round(ms)} milliseconds`;

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
    // A standby copy is not acted on now: no attempt is counted until it is.
    const rows = await query<{ id: string }>(
      this.em,
      `insert into inbound_message (bot_account, message_id, room_id, sender_id, sender_name, kind, text, media_key, location, standby_for, status, received_at, attempts, retry_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'pending', ?, ?, ?) on conflict (bot_account, message_id) do nothing returning id`,
      [m.botAccount, m.messageId.slice(0, 128), m.roomId.slice(0, 128), m.senderId.slice(0, 128), m.senderName.slice(0, 128), m.kind, m.text.slice(0, 20_000), m.mediaKey, m.place ? JSON.stringify(m.place) : null, m.standbyFor ?? null, now, m.standbyFor ? 0 : 1, leaseUntil],
    );
    return rows[0] ? String(rows[0].id) : null;
  }

  /**
   * Claims up to `limit` pending messages of `botAccount` that are due (never tried, their
   * lease or back-off over), oldest first: counts the attempt and leases each until
   * `leaseUntil`. Two instances never claim the same row (`skip locked`).
   */
  async claimDue(botAccount: string, now: Date, leaseUntil: Date, limit: number): Promise<PendingInboundMessage[]> {
    const rows = await query<{ id: string; message_id: string; room_id: string; sender_id: string; sender_name: string; kind: string; text: string; media_key: string | null; location: Place | null; standby_for: string | null; attempts: number; received_at: Date }>(
      this.em,
      `update inbound_message m set attempts = m.attempts + 1, retry_at = ?
        where m.id in (select id from inbound_message where bot_account = ? and status = 'pending' and (retry_at is null or retry_at <= ?)
                        order by id limit ? for update skip locked)
        returning m.id, m.message_id, m.room_id, m.sender_id, m.sender_name, m.kind, m.text, m.media_key, m.location, m.standby_for, m.attempts, m.received_at`,
      [leaseUntil, botAccount, now, limit],
    );
    return rows
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((r) => ({ id: String(r.id), botAccount, messageId: r.message_id, roomId: r.room_id, senderId: r.sender_id, senderName: r.sender_name, kind: r.kind, text: r.text, mediaKey: r.media_key, place: r.location, standbyFor: r.standby_for, attempts: r.attempts, receivedAt: new Date(r.received_at) }));
  }

  /**
   * The account, other than the one of standby copy `id`, that stored the same message as its
   * own (same group, sender, kind and text, received within `windowMs`); null when none did.
   */
  heardElsewhere(id: string, windowMs: number): Promise<string | null> {
    return this.sameMessageElsewhere(id, windowMs, 'o.standby_for is null');
  }

  /** The account whose standby copy of message `id` (see heardElsewhere) was acted on already; null when none was. */
  actedOnByStandby(id: string, windowMs: number): Promise<string | null> {
    return this.sameMessageElsewhere(id, windowMs, `o.standby_for is not null and o.command is not null and o.status in ('done', 'failed')`);
  }

  /** Another account's copy of message `id` that matches `which` (a condition on its row `o`): that account, or null. */
  private async sameMessageElsewhere(id: string, windowMs: number, which: string): Promise<string | null> {
    const rows = await query<{ bot_account: string }>(
      this.em,
      `select o.bot_account from inbound_message s join inbound_message o
          on o.room_id = s.room_id and o.sender_id = s.sender_id and o.kind = s.kind and o.text = s.text and o.bot_account <> s.bot_account
         and o.received_at between s.received_at - ?::interval and s.received_at + ?::interval and ${which}
        where s.id = ? limit 1`,
      [millis(windowMs), millis(windowMs), id],
    );
    return rows[0]?.bot_account ?? null;
  }

  /** Leaves a claimed standby copy waiting until `retryAt`; the look did not count as an attempt. */
  async standBy(id: string, retryAt: Date): Promise<void> {
    await query(this.em, `update inbound_message set retry_at = ?, attempts = greatest(attempts - 1, 0) where id = ? and status = 'pending'`, [retryAt, id]);
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

  /** Marks a message handled, with what it was acted on as and the incident it stepped or went to. */
  async markHandled(id: string, m: HandledMark, now: Date): Promise<void> {
    await query(
      this.em,
      `update inbound_message set status = ?, outcome = ?, command = ?, handled_at = ?,
         reported_incident_id = (select id from incident where code = ?), attached_incident_id = (select id from incident where code = ?) where id = ?`,
      [m.status, m.outcome.slice(0, 500), m.command, now, m.steppedCode, m.attachedCode, id],
    );
  }

  /**
   * The incident of the sender's last message in this group that one of `commands` acted on,
   * sent before the attachment `attachmentId` and at most `windowMs` earlier than it.
   */
  async lastStepped(botAccount: string, roomId: string, senderId: string, attachmentId: string, windowMs: number, commands: readonly string[]): Promise<string | null> {
    const rows = await query<{ code: string }>(
      this.em,
      `select i.code from inbound_message m join incident i on i.id = m.reported_incident_id
        where m.bot_account = ? and m.room_id = ? and m.sender_id = ? and m.reported_incident_id is not null and m.status = 'done'
          and m.command in (${commands.map(() => '?').join(', ')}) and m.id < ?
          and m.received_at >= (select received_at from inbound_message where id = ?) - ?::interval
        order by m.id desc limit 1`,
      [botAccount, roomId, senderId, ...commands, attachmentId, attachmentId, millis(windowMs)],
    );
    return rows[0]?.code ?? null;
  }

  /**
   * Photos and locations the sender sent in this group before message `messageId`, at most
   * `windowMs` earlier, that nothing has claimed yet (a refused photo, stored without bytes, is not one), oldest first.
   */
  async waiting(botAccount: string, roomId: string, senderId: string, messageId: string, windowMs: number): Promise<WaitingAttachment[]> {
    const rows = await query<{ id: string; kind: 'image' | 'location'; media_key: string | null; location: Place | null }>(
      this.em,
      `select id, kind, media_key, location from inbound_message
        where bot_account = ? and room_id = ? and sender_id = ? and kind in ('image', 'location') and attached_incident_id is null
          and status = 'done' and (media_key is not null or location is not null) and id < ?
          and received_at >= (select received_at from inbound_message where id = ?) - ?::interval
        order by id`,
      [botAccount, roomId, senderId, messageId, messageId, millis(windowMs)],
    );
    return rows.map((r) => ({ id: String(r.id), kind: r.kind, mediaKey: r.media_key, place: r.location }));
  }

  /** Marks waiting attachments as gone to incident `code` (in the transaction that answers the command that took them). */
  async claim(ids: readonly string[], code: string): Promise<void> {
    if (!ids.length) return;
    await query(this.em, `update inbound_message set attached_incident_id = (select id from incident where code = ?) where id in (${ids.map(() => '?').join(', ')})`, [code, ...ids]);
  }
}
