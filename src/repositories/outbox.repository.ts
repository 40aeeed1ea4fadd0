import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/** One message for a grid's group; grids without a bound group are skipped. */
export interface OutboxDraft {
  gridId: number;
  text: string;
  /** Unique across all messages ever queued: a second draft with the same key is dropped. */
  dedupeKey: string;
  /** `reply`, `instruction`, `reminder`, `rollcall`, … */
  kind: string;
  /** The code it concerns (incident, instruction, round), for delivery status. */
  ref?: string | null;
  /** Members to @-mention (by their bound WeChat contact, else by name). */
  mentionMemberIds?: readonly number[];
}

/** One message for a group known by its room id (a reply in the group a message came from). */
export interface RoomDraft extends Omit<OutboxDraft, 'gridId'> {
  roomId: string;
  botAccount: string;
  gridId?: number | null;
}

export interface DueMessage {
  id: string;
  roomId: string;
  gridId: number | null;
  text: string;
  mentionMemberIds: number[];
  mentionRoles: string[];
  attempts: number;
  dedupeKey: string;
}

/** A queued message as the delivery list shows it. */
export interface DeliveryRow {
  id: string;
  roomId: string;
  gridCode: string | null;
  kind: string;
  ref: string | null;
  text: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface DeliveryCounts {
  pending: number;
  sent: number;
  failed: number;
}

/** Drafts as one JSON parameter read back as rows (`d`): one statement for any number of drafts. */
const DRAFTS = `jsonb_to_recordset(?::jsonb) as d(a text, o text, g int, t text, k text, c text, r text, m jsonb)`;
const draftsJson = (drafts: ReadonlyArray<OutboxDraft | RoomDraft>): string =>
  JSON.stringify(
    drafts.map((d) => ({
      a: 'botAccount' in d ? d.botAccount : null,
      o: 'roomId' in d ? d.roomId : null,
      g: d.gridId ?? null,
      t: d.text,
      k: d.dedupeKey,
      c: d.kind,
      r: d.ref ?? null,
      m: d.mentionMemberIds ?? [],
    })),
  );

/**
 * The bot's outbox (PostgreSQL). Enqueueing is set-based and runs inside the caller's
 * transaction, so a message exists exactly when its cause committed.
 */
export class OutboxRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Queues one message per draft to the group bound to its grid, in one statement whatever the
   * count (an instruction to 100,000 grids is one INSERT … SELECT). Returns how many were queued.
   */
  async enqueueForGrids(drafts: readonly OutboxDraft[], now: Date): Promise<number> {
    if (!drafts.length) return 0;
    return this.insert(
      `select cg.bot_account, cg.room_id, d.g, d.t, d.m, '[]'::jsonb, d.k, d.c, d.r, ?, ?
         from ${DRAFTS} join chat_group cg on cg.grid_id = d.g`,
      [now, now, draftsJson(drafts)],
      'on conflict (dedupe_key) do nothing',
    );
  }

  /**
   * Queues the same text to the bound group of every grid strictly below `scopePath` at
   * `levels` (except `exceptGridIds`), @-mentioning each grid's members with `mentionRoles`
   * (resolved at send time): one INSERT … SELECT, however many grids (an instruction to a province's
   * 100,000 grids is one statement). Dedupe keys are `dedupePrefix` + grid id and must be new
   * (the prefix carries a code minted in the same transaction); the unique index still refuses
   * a repeat, failing the transaction rather than sending twice. Returns how many were queued.
   */
  async enqueueForSubtree(
    opts: { scopePath: string; levels: readonly string[]; exceptGridIds: readonly number[]; text: string; dedupePrefix: string; kind: string; ref: string; mentionRoles: readonly string[] },
    now: Date,
  ): Promise<number> {
    return this.insert(
      `select cg.bot_account, cg.room_id, g.id, ?, '[]'::jsonb, ?::jsonb, ? || g.id, ?, ?, ?, ?
         from grid g
         join chat_group cg on cg.grid_id = g.id
        where g.path <@ ?::ltree and nlevel(g.path) > nlevel(?::ltree)
          and g.level in (select jsonb_array_elements_text(?::jsonb))
          and not (g.id = any(?::int[]))`,
      [opts.text, JSON.stringify(opts.mentionRoles), opts.dedupePrefix, opts.kind, opts.ref, now, now, opts.scopePath, opts.scopePath, JSON.stringify(opts.levels), `{${opts.exceptGridIds.join(',')}}`],
      '',
    );
  }

  /**
   * Queues `text` as a direct message to every bound WeChat contact of department
   * `departmentId`'s members (room id = the contact id), sent by the bot account of the group
   * nearest above the department's grid (else any account with a group). Dedupe keys are
   * `dedupePrefix` + member id. Returns how many were queued (0: nobody of it is bound).
   */
  async enqueueForDepartment(opts: { departmentId: number; text: string; dedupePrefix: string; kind: string; ref: string }, now: Date): Promise<number> {
    return this.insert(
      `select b.bot_account, mc.contact_id, null, ?, '[]'::jsonb, '[]'::jsonb, ? || m.id, ?, ?, ?, ?
         from member m
         join member_contact mc on mc.member_id = m.id
         join department d on d.id = m.department_id
         join grid dg on dg.id = d.grid_id
         join lateral (
           select cg.bot_account from chat_group cg left join grid g on g.id = cg.grid_id
            order by (g.path @> dg.path) desc nulls last, nlevel(g.path) desc nulls last, cg.id
            limit 1) b on true
        where m.department_id = ?`,
      [opts.text, opts.dedupePrefix, opts.kind, opts.ref, now, now, opts.departmentId],
      'on conflict (dedupe_key) do nothing',
    );
  }

  /** Queues messages to groups by room id (replies); returns how many were queued. */
  async enqueueForRooms(drafts: readonly RoomDraft[], now: Date): Promise<number> {
    if (!drafts.length) return 0;
    return this.insert(`select d.a, d.o, d.g, d.t, d.m, '[]'::jsonb, d.k, d.c, d.r, ?, ? from ${DRAFTS}`, [now, now, draftsJson(drafts)], 'on conflict (dedupe_key) do nothing');
  }

  /**
   * Inserts what `select` yields as pending messages (columns: bot account, room, grid, text,
   * mentioned members, mentioned roles, dedupe key, kind, ref, next attempt, created) and counts
   * them, in one statement.
   */
  private async insert(select: string, params: unknown[], onConflict: string): Promise<number> {
    const res = await query<{ n: string }>(
      this.em,
      `with ins as (
         insert into outbox_message (bot_account, room_id, grid_id, text, mention_member_ids, mention_roles, dedupe_key, kind, ref, next_attempt_at, created_at)
         ${select}
         ${onConflict}
         returning 1)
       select count(*) as n from ins`,
      params,
    );
    return Number(res[0]?.n ?? 0);
  }

  /**
   * Claims up to `limit` due messages of one bot account by leasing them: one autocommitted
   * statement moves their next attempt `leaseMs` ahead (SKIP LOCKED against a worker claiming
   * at the same moment), so no other worker takes them while they are being sent, and no
   * transaction (nor pool connection) is held across the send. A worker that dies mid-send
   * leaves the row pending: it is due again when the lease ends.
   */
  async claimDue(botAccount: string, now: Date, limit: number, leaseMs: number): Promise<DueMessage[]> {
    const rows = await query<{ id: string; room_id: string; grid_id: number | null; text: string; mention_member_ids: number[]; mention_roles: string[]; attempts: number; dedupe_key: string }>(
      this.em,
      `update outbox_message m set next_attempt_at = ?::timestamptz
        where m.id in (select id from outbox_message
                        where bot_account = ? and status = 'pending' and next_attempt_at <= ?
                        order by next_attempt_at, id limit ? for update skip locked)
       returning m.id, m.room_id, m.grid_id, m.text, m.mention_member_ids, m.mention_roles, m.attempts, m.dedupe_key`,
      [new Date(now.getTime() + leaseMs), botAccount, now, limit],
    );
    return rows.map((r) => ({ id: String(r.id), roomId: r.room_id, gridId: r.grid_id, text: r.text, mentionMemberIds: r.mention_member_ids ?? [], mentionRoles: r.mention_roles ?? [], attempts: r.attempts, dedupeKey: r.dedupe_key }));
  }

  async markSent(id: string, now: Date): Promise<void> {
    await query(this.em, `update outbox_message set status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = null where id = ?`, [now, id]);
  }

  /** Records a failed attempt: retried at `retryAt`, or failed for good when `retryAt` is null. */
  async markAttemptFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await query(
      this.em,
      `update outbox_message set attempts = attempts + 1, last_error = ?, status = ?, next_attempt_at = coalesce(?, next_attempt_at) where id = ?`,
      [error.slice(0, 500), retryAt ? 'pending' : 'failed', retryAt, id],
    );
  }

  /** Delivery counts of everything queued about one code (an incident, instruction or round). */
  async countsForRef(ref: string): Promise<DeliveryCounts> {
    const rows = await query<{ status: string; n: string }>(this.em, `select status, count(*) as n from outbox_message where ref = ? group by status`, [ref]);
    const counts: DeliveryCounts = { pending: 0, sent: 0, failed: 0 };
    for (const r of rows) if (r.status in counts) counts[r.status as keyof DeliveryCounts] = Number(r.n);
    return counts;
  }

  /**
   * Whom a message @-mentions, with their WeChat contacts: the members it names, and the
   * members of its grid holding `roles` now.
   */
  async mentionTargets(memberIds: readonly number[], gridId: number | null = null, roles: readonly string[] = []): Promise<Array<{ memberId: number; name: string; contactId: string | null }>> {
    const byRole = gridId !== null && roles.length > 0;
    if (!memberIds.length && !byRole) return [];
    const rows = await query<{ id: number; name: string; contact_id: string | null }>(
      this.em,
      `select m.id, m.name, mc.contact_id from member m left join member_contact mc on mc.member_id = m.id
        where m.id = any(?::int[]) ${byRole ? 'or (m.grid_id = ? and m.role = any(?::text[]))' : ''} order by m.id`,
      [`{${memberIds.join(',')}}`, ...(byRole ? [gridId, `{${roles.join(',')}}`] : [])],
    );
    return rows.map((r) => ({ memberId: r.id, name: r.name, contactId: r.contact_id }));
  }

  /**
   * Newest first: messages to groups under `scopePath` (every group, those not bound to a grid
   * included, when it is empty), optionally about one `ref` or in one `status`.
   */
  async deliveries(filter: { scopePath: string; ref: string | null; status: string | null }, first: number): Promise<DeliveryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.scopePath) {
      where.push('g.path <@ ?::ltree');
      params.push(filter.scopePath);
    }
    if (filter.ref !== null) {
      where.push('o.ref = ?');
      params.push(filter.ref);
    }
    if (filter.status !== null) {
      where.push('o.status = ?');
      params.push(filter.status);
    }
    params.push(first);
    const rows = await query<{ id: string; room_id: string; code: string | null; kind: string; ref: string | null; text: string; status: string; attempts: number; last_error: string | null; created_at: string; sent_at: string | null }>(
      this.em,
      `select o.id, o.room_id, g.code, o.kind, o.ref, o.text, o.status, o.attempts, o.last_error, o.created_at, o.sent_at
       from outbox_message o left join grid g on g.id = o.grid_id
       ${where.length ? `where ${where.join(' and ')}` : ''} order by o.id desc limit ?`,
      params,
    );
    // Raw SQL timestamps arrive as PostgreSQL's text (MikroORM's type parsers), not as Dates.
    return rows.map((r) => ({ id: String(r.id), roomId: r.room_id, gridCode: r.code, kind: r.kind, ref: r.ref, text: r.text, status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: new Date(r.created_at), sentAt: r.sent_at === null ? null : new Date(r.sent_at) }));
  }

  /** The status of the message with this dedupe key, or null when there is none. */
  async statusOf(dedupeKey: string): Promise<string | null> {
    const [row] = await query<{ status: string }>(this.em, `select status from outbox_message where dedupe_key = ?`, [dedupeKey]);
    return row?.status ?? null;
  }

  /** Fails every pending message of a bot account for good with `reason`; returns how many. */
  async failPending(botAccount: string, reason: string): Promise<number> {
    const rows = await query<{ id: string }>(this.em, `update outbox_message set status = 'failed', last_error = ? where bot_account = ? and status = 'pending' returning id`, [reason, botAccount]);
    return rows.length;
  }
}
