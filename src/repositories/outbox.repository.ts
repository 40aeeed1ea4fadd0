import type { EntityManager } from '@mikro-orm/postgresql';
import { laneOf } from '../domain/delivery-lanes.js';
import type { OutboxDepthRow } from '../infra/metrics.js';
import { query } from './sql.js';

/** One message for a grid's group; grids without a bound group are skipped. */
export interface OutboxDraft {
  gridId: number;
  text: string;
  /** Unique across all messages ever queued: a second draft with the same key is dropped. */
  dedupeKey: string;
  /** `reply`, `instruction`, `reminder`, `rollcall`, … */
  kind: string;
  /** Its lane's priority (src/domain/delivery-lanes.ts `priorityOf` / `instructionPriority`). */
  priority: number;
  /** The code it concerns (incident, instruction, round), for delivery status. */
  ref?: string | null;
  /** Members to @-mention (by their bound WeChat contact, else by name). */
  mentionMemberIds?: readonly number[];
}

/** One message for a group known by its room id (a reply in the group a message came from). */
export interface RoomDraft extends Omit<OutboxDraft, 'gridId'> {
  roomId: string;
  /** Only this account may send it (a direct message); unset, any online account in the group may. */
  botAccount?: string | null;
  gridId?: number | null;
}

export interface DueMessage {
  id: string;
  roomId: string;
  gridId: number | null;
  kind: string;
  ref: string | null;
  text: string;
  mentionMemberIds: number[];
  mentionRoles: string[];
  /** Sends started before this one. */
  attempts: number;
  dedupeKey: string;
  priority: number;
}

/** A message that left the queue (sent, failed for good or undeliverable), as the delivery hooks get it. */
export interface SettledMessage {
  id: string;
  kind: string;
  ref: string | null;
  gridId: number | null;
  roomId: string;
  botAccount: string | null;
  status: 'sent' | 'failed' | 'undeliverable';
  at: Date;
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
  /** The account that sent it (or is sending it), chosen at send time. */
  botAccount: string | null;
  priority: number;
}

export interface DeliveryCounts {
  pending: number;
  sent: number;
  failed: number;
  undeliverable: number;
}

/** Counts of one code's messages by lane priority and account (null: not yet claimed by any). */
export interface DeliveryProgressRow extends DeliveryCounts {
  priority: number;
  botAccount: string | null;
}

/** Drafts as one JSON parameter read back as rows (`d`): one statement for any number of drafts. */
const DRAFTS = `jsonb_to_recordset(?::jsonb) as d(a text, o text, g int, t text, k text, c text, r text, m jsonb, p int)`;
const draftsJson = (drafts: ReadonlyArray<OutboxDraft | RoomDraft>): string =>
  JSON.stringify(
    drafts.map((d) => ({
      a: 'botAccount' in d ? (d.botAccount ?? null) : null,
      o: 'roomId' in d ? d.roomId : null,
      g: d.gridId ?? null,
      t: d.text,
      k: d.dedupeKey,
      c: d.kind,
      r: d.ref ?? null,
      m: d.mentionMemberIds ?? [],
      p: d.priority,
    })),
  );

/** Raw SQL timestamps arrive as PostgreSQL's text (MikroORM's type parsers), not as Dates. */
const asDate = (v: string | Date): Date => (v instanceof Date ? v : new Date(v));

/** Rows an account may send: its pinned direct messages and the messages of the groups it sits in. */
const SERVABLE_BY = `(m.via_account = ? or (m.via_account is null and exists (select 1 from chat_group_account ga where ga.room_id = m.room_id and ga.bot_account = ?)))`;
/** Due and not claimed by a worker now. */
const DUE = `m.status = 'pending' and m.next_attempt_at <= ? and (m.lease_until is null or m.lease_until <= ?)`;
/** An account that can send now or soon (online, or rate-limited and waiting), by name `a.name`. */
const SERVING = `a.retired_at is null and a.state in ('online', 'rate_limited') and a.lease_until > ?`;
const SETTLED = `m.id, m.kind, m.ref, m.grid_id, m.room_id, m.bot_account, m.status`;
type SettledRow = { id: string; kind: string; ref: string | null; grid_id: number | null; room_id: string; bot_account: string | null; status: SettledMessage['status'] };
const toSettled = (r: SettledRow, at: Date): SettledMessage => ({ id: String(r.id), kind: r.kind, ref: r.ref, gridId: r.grid_id, roomId: r.room_id, botAccount: r.bot_account, status: r.status, at });

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
      `select null, cg.room_id, d.g, d.t, d.m, '[]'::jsonb, d.k, d.c, d.r, d.p, ?, ?
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
    opts: { scopePath: string; levels: readonly string[]; exceptGridIds: readonly number[]; text: string; dedupePrefix: string; kind: string; ref: string; mentionRoles: readonly string[]; priority: number },
    now: Date,
  ): Promise<number> {
    return this.insert(
      `select null, cg.room_id, g.id, ?, '[]'::jsonb, ?::jsonb, ? || g.id, ?, ?, ${Number(opts.priority)}, ?, ?
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
   * `dedupePrefix` + member id; only that account sends them (it knows the contact). Returns
   * how many were queued (0: nobody of it is bound).
   */
  async enqueueForDepartment(opts: { departmentId: number; text: string; dedupePrefix: string; kind: string; ref: string; priority: number }, now: Date): Promise<number> {
    return this.enqueueDirect(opts, 'join department d on d.id = m.department_id join grid ng on ng.id = d.grid_id', 'm.department_id = ?', [opts.departmentId], now);
  }

  /**
   * Queues `text` as a direct message to the bound WeChat contacts of members `memberIds`, sent
   * by the account of the group nearest above each member's grid. Dedupe keys are
   * `dedupePrefix` + member id. Returns how many were queued.
   */
  async enqueueForMembers(opts: { memberIds: readonly number[]; text: string; dedupePrefix: string; kind: string; ref: string | null; priority: number }, now: Date): Promise<number> {
    if (!opts.memberIds.length) return 0;
    return this.enqueueDirect(opts, 'join grid ng on ng.id = m.grid_id', 'm.id = any(?::int[])', [`{${opts.memberIds.join(',')}}`], now);
  }

  /**
   * Direct messages to the bound contacts of the members `where` selects (`join` brings in
   * `ng`, the grid whose nearest group's bot account sends them).
   */
  private enqueueDirect(opts: { text: string; dedupePrefix: string; kind: string; ref: string | null; priority: number }, join: string, where: string, whereParams: unknown[], now: Date): Promise<number> {
    return this.insert(
      `select b.bot_account, mc.contact_id, null, ?, '[]'::jsonb, '[]'::jsonb, ? || m.id, ?, ?, ${Number(opts.priority)}, ?, ?
         from member m
         join member_contact mc on mc.member_id = m.id
         ${join}
         join lateral (
           select cg.bot_account from chat_group cg left join grid g on g.id = cg.grid_id
            order by (g.path @> ng.path) desc nulls last, nlevel(g.path) desc nulls last, cg.id
            limit 1) b on true
        where ${where}`,
      [opts.text, opts.dedupePrefix, opts.kind, opts.ref, now, now, ...whereParams],
      'on conflict (dedupe_key) do nothing',
    );
  }

  /** Queues messages to groups by room id (replies); returns how many were queued. */
  async enqueueForRooms(drafts: readonly RoomDraft[], now: Date): Promise<number> {
    if (!drafts.length) return 0;
    return this.insert(`select d.a, d.o, d.g, d.t, d.m, '[]'::jsonb, d.k, d.c, d.r, d.p, ?, ? from ${DRAFTS}`, [now, now, draftsJson(drafts)], 'on conflict (dedupe_key) do nothing');
  }

  /**
   * Inserts what `select` yields as pending messages (columns: pinned account, room, grid, text,
   * mentioned members, mentioned roles, dedupe key, kind, ref, priority, next attempt, created) and counts
   * them, in one statement.
   */
  private async insert(select: string, params: unknown[], onConflict: string): Promise<number> {
    const res = await query<{ n: string }>(
      this.em,
      `with ins as (
         insert into outbox_message (via_account, room_id, grid_id, text, mention_member_ids, mention_roles, dedupe_key, kind, ref, priority, next_attempt_at, created_at)
         ${select}
         ${onConflict}
         returning 1)
       select count(*) as n from ins`,
      params,
    );
    return Number(res[0]?.n ?? 0);
  }

  /**
   * Claims up to `limit` due messages for `botAccount` to send: its pinned direct messages and
   * those of the groups it sits in, most urgent lane first, oldest first within a lane, except
   * that messages of a promoted lane waiting since `promoteBefore` go before everything. One
   * autocommitted statement per pass leases them to the account until `now + leaseMs`
   * (SKIP LOCKED against accounts claiming at the same moment), so no other account takes them
   * while they are being sent, and no transaction (nor pool connection) is held across a send.
   * A worker that dies mid-send leaves its rows pending: they are due again when the lease ends
   * (or at once when another instance takes the account over, `releaseAccount`).
   */
  async claimDue(botAccount: string, now: Date, limit: number, leaseMs: number, promote: { priority: number; before: Date } | null = null): Promise<DueMessage[]> {
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const claim = async (extra: string, params: unknown[], n: number) =>
      query<{ id: string; room_id: string; grid_id: number | null; kind: string; ref: string | null; text: string; mention_member_ids: number[]; mention_roles: string[]; attempts: number; dedupe_key: string; priority: number }>(
        this.em,
        `update outbox_message u set lease_until = ?::timestamptz, bot_account = ?
          where u.id in (select m.id from outbox_message m
                          where ${DUE} and ${SERVABLE_BY} ${extra}
                          order by m.priority, m.created_at, m.id limit ? for update skip locked)
         returning u.id, u.room_id, u.grid_id, u.kind, u.ref, u.text, u.mention_member_ids, u.mention_roles, u.attempts, u.dedupe_key, u.priority`,
        [leaseUntil, botAccount, now, now, botAccount, botAccount, ...params, n],
      );
    const promoted = promote ? await claim('and m.priority = ? and m.created_at <= ?', [promote.priority, promote.before], limit) : [];
    const rest = promoted.length < limit ? await claim('', [], limit - promoted.length) : [];
    const byLane = (x: (typeof rest)[number], y: (typeof rest)[number]) => x.priority - y.priority || Number(x.id) - Number(y.id);
    const rows = [...promoted.sort(byLane), ...rest.sort(byLane)];
    return rows.map((r) => ({ id: String(r.id), roomId: r.room_id, gridId: r.grid_id, kind: r.kind, ref: r.ref, text: r.text, mentionMemberIds: r.mention_member_ids ?? [], mentionRoles: r.mention_roles ?? [], attempts: r.attempts, dedupeKey: r.dedupe_key, priority: r.priority }));
  }

  /** Gives claimed messages back unsent (a worker stopping, an account backing off): due at once for any account. */
  async release(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await query(this.em, `update outbox_message set lease_until = null where id = any(?::bigint[]) and status = 'pending'`, [`{${ids.join(',')}}`]);
  }

  /**
   * Gives back what an account had claimed (an instance taking the account over after its
   * previous instance died: that instance sends no more, so its claims need not run out).
   */
  async releaseAccount(botAccount: string, now: Date): Promise<number> {
    const rows = await query(this.em, `update outbox_message set lease_until = null where bot_account = ? and status = 'pending' and lease_until > ? returning id`, [botAccount, now]);
    return rows.length;
  }

  /** Records that sends have started (attempts + 1, by which account), before the puppet is called. One statement for many. */
  async markStarted(started: ReadonlyArray<{ id: string; botAccount: string }>): Promise<void> {
    if (!started.length) return;
    await query(
      this.em,
      `update outbox_message m set attempts = m.attempts + 1, bot_account = v.a from jsonb_to_recordset(?::jsonb) v(i bigint, a text) where m.id = v.i`,
      [JSON.stringify(started.map((x) => ({ i: x.id, a: x.botAccount })))],
    );
  }

  /**
   * Marks messages sent (one statement for many, group commit) and counts them on their
   * accounts' day (`day`, the grid's calendar day); returns them as settled.
   */
  async markSentMany(sent: ReadonlyArray<{ id: string; at: Date }>, day: string): Promise<SettledMessage[]> {
    if (!sent.length) return [];
    const rows = await query<SettledRow & { sent_at: string }>(
      this.em,
      `with s as (
         update outbox_message m set status = 'sent', sent_at = v.t, last_error = null, lease_until = null, stranded_since = null
           from jsonb_to_recordset(?::jsonb) v(i bigint, t timestamptz) where m.id = v.i and m.status = 'pending'
         returning ${SETTLED}, m.sent_at),
       c as (
         update bot_account b set sends_today = case when b.sends_day = ? then b.sends_today else 0 end + n.n, sends_day = ?
           from (select bot_account, count(*) as n from s where bot_account is not null group by bot_account) n where b.name = n.bot_account)
       select * from s`,
      [JSON.stringify(sent.map((x) => ({ i: x.id, t: x.at.toISOString() }))), day, day],
    );
    return rows.map((r) => toSettled(r, asDate(r.sent_at)));
  }

  /**
   * Pending messages by lane, account and kind (the labels of `gridhub_outbox_depth`,
   * infra/metrics.ts). The account is the one that last claimed or tried the message, else the
   * one it is pinned to; '' when neither (group messages are routed when they are sent).
   */
  async depth(): Promise<OutboxDepthRow[]> {
    const rows = await query<{ priority: number; account: string; kind: string; pending: string }>(
      this.em,
      `select priority, coalesce(bot_account, via_account, '') as account, kind, count(*) as pending from outbox_message where status = 'pending' group by 1, 2, 3`,
      [],
    );
    return rows.map((r) => ({ priority: laneOf(r.priority), account: r.account, kind: r.kind, pending: Number(r.pending) }));
  }

  async markSent(id: string, now: Date, day = now.toISOString().slice(0, 10)): Promise<void> {
    await this.markSentMany([{ id, at: now }], day);
  }

  /**
   * Records a failed attempt: retried at `retryAt` (by any account), or failed for good when
   * `retryAt` is null, returned then as settled.
   */
  async markAttemptFailed(id: string, error: string, retryAt: Date | null, now: Date): Promise<SettledMessage | null> {
    const [row] = await query<SettledRow>(
      this.em,
      `update outbox_message m set last_error = ?, status = ?, next_attempt_at = coalesce(?, m.next_attempt_at), lease_until = null where m.id = ? returning ${SETTLED}`,
      [error.slice(0, 500), retryAt ? 'pending' : 'failed', retryAt, id],
    );
    return row && !retryAt ? toSettled(row, now) : null;
  }

  /**
   * Messages no serving account can send: marks when they became stranded (and clears that
   * once an account can send them again), and turns those stranded since `before` into
   * `undeliverable`, returned as settled.
   */
  async sweepStranded(now: Date, before: Date): Promise<SettledMessage[]> {
    const servable = `(case when m.via_account is not null
        then exists (select 1 from bot_account a where a.name = m.via_account and ${SERVING})
        else exists (select 1 from chat_group_account ga join bot_account a on a.name = ga.bot_account where ga.room_id = m.room_id and ${SERVING}) end)`;
    await query(this.em, `update outbox_message m set stranded_since = null where m.status = 'pending' and m.stranded_since is not null and ${servable}`, [now, now]);
    await query(this.em, `update outbox_message m set stranded_since = ? where m.status = 'pending' and m.stranded_since is null and not ${servable}`, [now, now, now]);
    const rows = await query<SettledRow>(
      this.em,
      `update outbox_message m set status = 'undeliverable', lease_until = null, last_error = 'no online bot account in the group' where m.status = 'pending' and m.stranded_since <= ? returning ${SETTLED}`,
      [before],
    );
    return rows.map((r) => toSettled(r, now));
  }

  /** Delivery counts of everything queued about one code (an incident, instruction or round). */
  async countsForRef(ref: string): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { pending: 0, sent: 0, failed: 0, undeliverable: 0 };
    for (const r of await this.progress(ref)) for (const k of ['pending', 'sent', 'failed', 'undeliverable'] as const) counts[k] += r[k];
    return counts;
  }

  /** One code's messages to groups under `scopePath` (every group when empty) counted by lane priority, account and status. */
  async progress(ref: string, scopePath = ''): Promise<DeliveryProgressRow[]> {
    const rows = await query<{ priority: number; bot_account: string | null; status: string; n: string }>(
      this.em,
      `select o.priority, case when o.status = 'pending' and o.lease_until is null then null else o.bot_account end as bot_account, o.status, count(*) as n
         from outbox_message o left join grid g on g.id = o.grid_id
        where o.ref = ? ${scopePath ? 'and g.path <@ ?::ltree' : ''}
        group by 1, 2, 3 order by 1, 2 nulls first`,
      scopePath ? [ref, scopePath] : [ref],
    );
    const byKey = new Map<string, DeliveryProgressRow>();
    for (const r of rows) {
      const key = `${r.priority}:${r.bot_account ?? ''}`;
      let row = byKey.get(key);
      if (!row) byKey.set(key, (row = { priority: r.priority, botAccount: r.bot_account, pending: 0, sent: 0, failed: 0, undeliverable: 0 }));
      if (r.status in row) row[r.status as keyof DeliveryCounts] += Number(r.n);
    }
    return [...byKey.values()];
  }

  /**
   * The @-mentions of many messages in one statement: for each, the members it names and the
   * members of its grid holding its roles now, with their WeChat contacts.
   */
  async mentionsFor(msgs: readonly DueMessage[]): Promise<Map<string, Array<{ name: string; contactId: string | null }>>> {
    const wanted = msgs.filter((m) => m.mentionMemberIds.length || (m.gridId !== null && m.mentionRoles.length));
    const out = new Map<string, Array<{ name: string; contactId: string | null }>>();
    if (!wanted.length) return out;
    const rows = await query<{ i: string; name: string; contact_id: string | null }>(
      this.em,
      `select d.i, m.name, mc.contact_id
         from jsonb_to_recordset(?::jsonb) d(i text, g int, ids jsonb, roles jsonb)
         join member m on m.id in (select jsonb_array_elements_text(d.ids)::int) or (m.grid_id = d.g and m.role in (select jsonb_array_elements_text(d.roles)))
         left join member_contact mc on mc.member_id = m.id
        order by d.i, m.id`,
      [JSON.stringify(wanted.map((m) => ({ i: m.id, g: m.gridId, ids: m.mentionMemberIds, roles: m.mentionRoles })))],
    );
    for (const r of rows) out.set(r.i, [...(out.get(r.i) ?? []), { name: r.name, contactId: r.contact_id }]);
    return out;
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
    const rows = await query<{ id: string; room_id: string; code: string | null; kind: string; ref: string | null; text: string; status: string; attempts: number; last_error: string | null; created_at: string; sent_at: string | null; bot_account: string | null; priority: number }>(
      this.em,
      `select o.id, o.room_id, g.code, o.kind, o.ref, o.text, o.status, o.attempts, o.last_error, o.created_at, o.sent_at, o.bot_account, o.priority
       from outbox_message o left join grid g on g.id = o.grid_id
       ${where.length ? `where ${where.join(' and ')}` : ''} order by o.id desc limit ?`,
      params,
    );
    return rows.map((r) => ({ id: String(r.id), roomId: r.room_id, gridCode: r.code, kind: r.kind, ref: r.ref, text: r.text, status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: asDate(r.created_at), sentAt: r.sent_at === null ? null : asDate(r.sent_at), botAccount: r.bot_account, priority: r.priority }));
  }

  /** The status of the message with this dedupe key, or null when there is none. */
  async statusOf(dedupeKey: string): Promise<string | null> {
    const [row] = await query<{ status: string }>(this.em, `select status from outbox_message where dedupe_key = ?`, [dedupeKey]);
    return row?.status ?? null;
  }

  /** Fails for good, with `reason`, every pending message to a room or contact whose id matches `roomLike`, or pinned to `viaAccount`; returns how many. */
  async failPendingTo(roomLike: string, viaAccount: string, reason: string): Promise<number> {
    const rows = await query<{ id: string }>(this.em, `update outbox_message set status = 'failed', last_error = ?, lease_until = null where status = 'pending' and (room_id like ? or via_account = ?) returning id`, [reason, roomLike, viaAccount]);
    return rows.length;
  }
}
