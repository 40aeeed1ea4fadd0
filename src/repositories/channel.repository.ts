import type { EntityManager } from '@mikro-orm/postgresql';
import { maySend, afterSend, type ChannelPolicy } from '../domain/channel-policy.js';
import { query } from './sql.js';

/** One message part for a grid's second channel. */
export interface ChannelDraft {
  gridId: number;
  text: string;
  /** Unique across every channel message ever queued (parts carry `#n`). */
  dedupeKey: string;
  kind: string;
  ref: string | null;
  mentionAll?: boolean;
  mentionMemberIds?: readonly number[];
  mentionRoles?: readonly string[];
}

/** A claimed message with its robot's (sealed) target. */
export interface ClaimedChannelMessage {
  id: string;
  channelId: number;
  gridId: number;
  target: string;
  text: string;
  mentionAll: boolean;
  mentionMemberIds: number[];
  mentionRoles: string[];
  attempts: number;
  dedupeKey: string;
}

/** A grid's channel as the API lists it (never the target itself). */
export interface GridChannelRow {
  gridCode: string;
  gridName: string;
  kind: string;
  hint: string;
  setAt: Date;
  pending: number;
  sent: number;
  failed: number;
}

const DRAFTS = `jsonb_to_recordset(?::jsonb) as d(g int, t text, k text, c text, r text, a boolean, m jsonb, o jsonb)`;
const draftsJson = (drafts: readonly ChannelDraft[]): string =>
  JSON.stringify(drafts.map((d) => ({ g: d.gridId, t: d.text, k: d.dedupeKey, c: d.kind, r: d.ref, a: d.mentionAll ?? false, m: d.mentionMemberIds ?? [], o: d.mentionRoles ?? [] })));

/**
 * Second channels of grids (WeCom robots) and their durable outbox, `channel_message`.
 * Enqueueing is set-based and runs in the caller's transaction; claiming leases rows and paces
 * each robot across instances (its `grid_channel` row is locked while a message is claimed).
 */
export class ChannelRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Queues each draft to its grid's channel of `kind`, when the grid has one (and, with
   * `onlyWithoutGroup`, no bound WeChat group). Drafts already queued are skipped. Returns how many.
   */
  async enqueue(kind: string, drafts: readonly ChannelDraft[], now: Date, onlyWithoutGroup = false): Promise<number> {
    if (!drafts.length) return 0;
    const [row] = await query<{ n: number }>(
      this.em,
      `with ins as (
         insert into channel_message (channel, grid_id, text, mention_all, mention_member_ids, mention_roles, dedupe_key, kind, ref, next_attempt_at, created_at)
         select gc.kind, d.g, d.t, d.a, d.m, d.o, d.k, d.c, d.r, ?, ?
           from ${DRAFTS} join grid_channel gc on gc.grid_id = d.g and gc.kind = ?
          ${onlyWithoutGroup ? 'where not exists (select 1 from chat_group cg where cg.grid_id = d.g)' : ''}
         on conflict (dedupe_key) do nothing
         returning 1)
       select count(*)::int as n from ins`,
      [now, now, draftsJson(drafts), kind],
    );
    return row?.n ?? 0;
  }

  /**
   * Queues the same parts to the channel of every grid strictly below `scopePath` at `levels`
   * (except `exceptGridIds`) that has one of `kind` (and, unless `alsoBound`, no WeChat group):
   * one INSERT … SELECT. Dedupe keys are `dedupePrefix` + grid id + `#` + part number.
   */
  async enqueueForSubtree(
    kind: string,
    opts: { scopePath: string; levels: readonly string[]; exceptGridIds: readonly number[]; parts: readonly string[]; dedupePrefix: string; kind: string; ref: string; mentionAll: boolean; mentionRoles: readonly string[]; alsoBound: boolean },
    now: Date,
  ): Promise<number> {
    const [row] = await query<{ n: number }>(
      this.em,
      `with ins as (
         insert into channel_message (channel, grid_id, text, mention_all, mention_member_ids, mention_roles, dedupe_key, kind, ref, next_attempt_at, created_at)
         select gc.kind, g.id, p.t, ? and p.n = 1, '[]'::jsonb, case when p.n = 1 then ?::jsonb else '[]'::jsonb end, ? || g.id || '#' || p.n, ?, ?, ?, ?
           from grid g
           join grid_channel gc on gc.grid_id = g.id and gc.kind = ?
           cross join jsonb_array_elements_text(?::jsonb) with ordinality as p(t, n)
          where g.path <@ ?::ltree and nlevel(g.path) > nlevel(?::ltree)
            and g.level in (select jsonb_array_elements_text(?::jsonb))
            and not (g.id = any(?::int[]))
            ${opts.alsoBound ? '' : 'and not exists (select 1 from chat_group cg where cg.grid_id = g.id)'}
         on conflict (dedupe_key) do nothing
         returning 1)
       select count(*)::int as n from ins`,
      [
        opts.mentionAll, JSON.stringify(opts.mentionRoles), opts.dedupePrefix, opts.kind, opts.ref, now, now, kind, JSON.stringify(opts.parts),
        opts.scopePath, opts.scopePath, JSON.stringify(opts.levels), `{${opts.exceptGridIds.join(',')}}`,
      ],
    );
    return row?.n ?? 0;
  }

  /** Ids of the given grids that have a channel of `kind`. */
  async gridsWithChannel(kind: string, gridIds: readonly number[]): Promise<Set<number>> {
    if (!gridIds.length) return new Set();
    const rows = await query<{ grid_id: number }>(this.em, `select grid_id from grid_channel where kind = ? and grid_id = any(?::int[])`, [kind, `{${gridIds.join(',')}}`]);
    return new Set(rows.map((r) => r.grid_id));
  }

  /**
   * Claims due messages, at most one per robot and `limit` robots, for robots the policy lets
   * send now: in one transaction the robots' rows are locked (SKIP LOCKED: another instance takes
   * other robots), each robot's oldest due message is leased for `leaseMs`, and the send is
   * counted in the robot's window. No transaction is held across the HTTP request.
   */
  async claim(kind: string, now: Date, limit: number, leaseMs: number, policy: ChannelPolicy): Promise<ClaimedChannelMessage[]> {
    return this.em.transactional(async (tx) => {
      const robots = await query<{ id: number; grid_id: number; target: string; recent_sends: number[] }>(
        tx,
        `select gc.id, gc.grid_id, gc.target, gc.recent_sends from grid_channel gc
          where gc.kind = ? and (gc.paused_until is null or gc.paused_until <= ?)
            and exists (select 1 from channel_message m where m.grid_id = gc.grid_id and m.channel = gc.kind and m.status = 'pending' and m.next_attempt_at <= ?)
          order by gc.id limit ? for update of gc skip locked`,
        [kind, now, now, limit * 4],
      );
      const claimed: ClaimedChannelMessage[] = [];
      for (const robot of robots) {
        if (claimed.length >= limit) break;
        if (!maySend(robot.recent_sends, now.getTime(), policy)) continue;
        const [m] = await query<{ id: string; text: string; mention_all: boolean; mention_member_ids: number[]; mention_roles: string[]; attempts: number; dedupe_key: string }>(
          tx,
          `update channel_message set next_attempt_at = ?::timestamptz
            where id = (select id from channel_message where grid_id = ? and channel = ? and status = 'pending' and next_attempt_at <= ?
                         order by next_attempt_at, id limit 1 for update skip locked)
           returning id, text, mention_all, mention_member_ids, mention_roles, attempts, dedupe_key`,
          [new Date(now.getTime() + leaseMs), robot.grid_id, kind, now],
        );
        if (!m) continue;
        await query(tx, `update grid_channel set recent_sends = ?::jsonb where id = ?`, [JSON.stringify(afterSend(robot.recent_sends, now.getTime(), policy)), robot.id]);
        claimed.push({
          id: String(m.id), channelId: robot.id, gridId: robot.grid_id, target: robot.target, text: m.text, mentionAll: m.mention_all,
          mentionMemberIds: m.mention_member_ids ?? [], mentionRoles: m.mention_roles ?? [], attempts: m.attempts, dedupeKey: m.dedupe_key,
        });
      }
      return claimed;
    });
  }

  async markSent(id: string, now: Date): Promise<void> {
    await query(this.em, `update channel_message set status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = null where id = ?`, [now, id]);
  }

  /** A failed attempt: retried at `retryAt`, or failed for good when it is null. */
  async markAttemptFailed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await query(this.em, `update channel_message set attempts = attempts + 1, last_error = ?, status = ?, next_attempt_at = coalesce(?, next_attempt_at) where id = ?`, [
      error.slice(0, 500), retryAt ? 'pending' : 'failed', retryAt, id,
    ]);
  }

  /** The robot said "too many": it rests until `until`, and the message waits for it without losing an attempt. */
  async rateLimited(id: string, channelId: number, error: string, until: Date): Promise<void> {
    await query(this.em, `update channel_message set last_error = ?, next_attempt_at = ? where id = ?`, [error.slice(0, 500), until, id]);
    await query(this.em, `update grid_channel set paused_until = ? where id = ?`, [until, channelId]);
  }

  /** Mobile numbers to @-mention: the members named and the grid's members holding `roles`, those with a number. */
  async mobiles(memberIds: readonly number[], gridId: number, roles: readonly string[]): Promise<string[]> {
    if (!memberIds.length && !roles.length) return [];
    const rows = await query<{ phone: string }>(
      this.em,
      `select distinct phone from member where phone is not null and phone <> '' and (id = any(?::int[]) or (grid_id = ? and role = any(?::text[]))) order by phone`,
      [`{${memberIds.join(',')}}`, gridId, `{${roles.join(',')}}`],
    );
    return rows.map((r) => r.phone);
  }

  /** Sets (or replaces) a grid's channel of `kind`. */
  async upsert(gridId: number, kind: string, target: string, hint: string, memberId: number | null, now: Date): Promise<void> {
    await query(
      this.em,
      `insert into grid_channel (grid_id, kind, target, hint, recent_sends, set_by_member_id, set_at) values (?, ?, ?, ?, '[]'::jsonb, ?, ?)
       on conflict (grid_id, kind) do update set target = excluded.target, hint = excluded.hint, set_by_member_id = excluded.set_by_member_id, set_at = excluded.set_at, paused_until = null`,
      [gridId, kind, target, hint, memberId, now],
    );
  }

  /** Removes a grid's channel; its pending messages fail for good. Returns their ids (none when it had no channel). */
  async remove(gridId: number, kind: string, reason: string): Promise<string[] | null> {
    const gone = await query<{ id: number }>(this.em, `delete from grid_channel where grid_id = ? and kind = ? returning id`, [gridId, kind]);
    if (!gone.length) return null;
    const failed = await query<{ id: string }>(this.em, `update channel_message set status = 'failed', last_error = ? where grid_id = ? and channel = ? and status = 'pending' returning id`, [reason, gridId, kind]);
    return failed.map((r) => String(r.id));
  }

  /** Channels of the grids under `scopePath` ('' = all), by grid code, with their message counts. */
  async list(scopePath: string, first: number): Promise<GridChannelRow[]> {
    const rows = await query<{ code: string; name: string; kind: string; hint: string; set_at: string; pending: number; sent: number; failed: number }>(
      this.em,
      `select g.code, g.name, gc.kind, gc.hint, gc.set_at,
              count(m.id) filter (where m.status = 'pending')::int as pending, count(m.id) filter (where m.status = 'sent')::int as sent,
              count(m.id) filter (where m.status = 'failed')::int as failed
         from grid_channel gc join grid g on g.id = gc.grid_id left join channel_message m on m.grid_id = gc.grid_id and m.channel = gc.kind
        where (?::text = '' or g.path <@ ?::ltree)
        group by g.code, g.name, gc.kind, gc.hint, gc.set_at order by g.code limit ?`,
      [scopePath, scopePath || '', first],
    );
    return rows.map((r) => ({ gridCode: r.code, gridName: r.name, kind: r.kind, hint: r.hint, setAt: new Date(r.set_at), pending: r.pending, sent: r.sent, failed: r.failed }));
  }
}
