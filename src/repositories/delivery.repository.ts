import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeliveryVia, UnreachableReason } from '../domain/delivery.js';
import { query } from './sql.js';

/** An instruction whose receipts changed, for the live feeds. */
export interface TouchedInstruction {
  code: string;
  scopePath: string;
}

/** A WeChat message that will not be delivered, as the fallback needs it. */
export interface UndeliveredMessage {
  id: string;
  gridId: number | null;
  text: string;
  dedupeKey: string;
  kind: string;
  ref: string | null;
  mentionMemberIds: number[];
  mentionRoles: string[];
  /** The grid has a second channel to fall back to. */
  hasChannel: boolean;
  /** It concerns a grade I instruction (the fallback @-mentions everyone). */
  gradeI: boolean;
}

/** Where a message was sent from: the WeChat outbox, or a second channel (its dedupe keys carry `<kind>:` and a `#part`). */
type Source = { table: 'outbox_message'; key: string } | { table: 'channel_message'; key: string };

const SOURCES = {
  wechat: { table: 'outbox_message', key: `i.code || ':issued:' || o.grid_id` },
  channel: { table: 'channel_message', key: `o.channel || ':' || i.code || ':issued:' || o.grid_id || '#1'` },
} as const satisfies Record<string, Source>;

/**
 * The delivery ledger of instructions (issue 11): which receiving grid has been told and when,
 * which cannot be reached. Fed by the senders with ids of the messages they sent or gave up on;
 * what a message was about is read from its row, so the senders need not know.
 */
export class DeliveryRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Records WeChat sends (outbox message ids with when each was sent): a receipt whose grid was
   * sent its instruction (the `…:issued:<grid>` message) gets `deliveredAt` then, once; its
   * windows run from there. Returns the instructions whose receipts changed.
   */
  recordSent(rows: ReadonlyArray<{ id: string; sentAt: Date }>, via: DeliveryVia = 'wechat'): Promise<TouchedInstruction[]> {
    return this.markDelivered(SOURCES.wechat, rows, via);
  }

  /** The same for second-channel sends (channel message ids): its first part tells the grid. */
  recordChannelSent(rows: ReadonlyArray<{ id: string; sentAt: Date }>): Promise<TouchedInstruction[]> {
    return this.markDelivered(SOURCES.channel, rows, 'wecom');
  }

  private async markDelivered(source: Source, rows: ReadonlyArray<{ id: string; sentAt: Date }>, via: DeliveryVia): Promise<TouchedInstruction[]> {
    if (!rows.length) return [];
    // The messages first, by primary key (materialized: the planner must not start from the receipts).
    return query<TouchedInstruction>(
      this.em,
      `with s as materialized (
         select i.id as instruction_id, o.grid_id, (?::jsonb ->> o.id::text)::timestamptz as at, i.code, i.scope_path::text as scope_path
           from ${source.table} o join instruction i on i.code = o.ref
          where o.id = any(?::bigint[]) and o.kind = 'instruction' and o.dedupe_key = ${source.key}),
       hit as (
         update instruction_receipt r set delivered_at = s.at, delivered_via = ?
           from s where r.instruction_id = s.instruction_id and r.grid_id = s.grid_id and r.delivered_at is null
         returning s.code, s.scope_path)
       select distinct code, scope_path as "scopePath" from hit`,
      [JSON.stringify(Object.fromEntries(rows.map((r) => [r.id, r.sentAt]))), `{${rows.map((r) => r.id).join(',')}}`, via],
    );
  }

  /** The WeChat messages with these ids, with what their fallback needs. */
  async undelivered(ids: readonly string[]): Promise<UndeliveredMessage[]> {
    if (!ids.length) return [];
    const rows = await query<{ id: string; grid_id: number | null; text: string; dedupe_key: string; kind: string; ref: string | null; mention_member_ids: number[]; mention_roles: string[]; has_channel: boolean; grade_i: boolean }>(
      this.em,
      `select o.id, o.grid_id, o.text, o.dedupe_key, o.kind, o.ref, o.mention_member_ids, o.mention_roles,
              exists (select 1 from grid_channel gc where gc.grid_id = o.grid_id) as has_channel,
              exists (select 1 from instruction i where o.kind = 'instruction' and i.code = o.ref and i.grade = 'I') as grade_i
         from outbox_message o where o.id = any(?::bigint[]) order by o.id`,
      [`{${ids.join(',')}}`],
    );
    return rows.map((r) => ({
      id: String(r.id), gridId: r.grid_id, text: r.text, dedupeKey: r.dedupe_key, kind: r.kind, ref: r.ref,
      mentionMemberIds: r.mention_member_ids ?? [], mentionRoles: r.mention_roles ?? [], hasChannel: r.has_channel, gradeI: r.grade_i,
    }));
  }

  /**
   * Marks unreachable the receipts whose instruction message (outbox ids) WeChat will not deliver
   * and that have no second channel, unless already delivered. Returns the instructions touched.
   */
  async markUnreachable(outboxIds: readonly string[], reason: UnreachableReason, now: Date): Promise<TouchedInstruction[]> {
    if (!outboxIds.length) return [];
    return query<TouchedInstruction>(
      this.em,
      `with s as materialized (
         select i.id as instruction_id, o.grid_id, i.code, i.scope_path::text as scope_path
           from outbox_message o join instruction i on i.code = o.ref
          where o.id = any(?::bigint[]) and o.kind = 'instruction' and o.dedupe_key = ${SOURCES.wechat.key}
            and not exists (select 1 from grid_channel gc where gc.grid_id = o.grid_id)),
       hit as (
         update instruction_receipt r set unreachable_at = ?, unreachable_reason = ?
           from s where r.instruction_id = s.instruction_id and r.grid_id = s.grid_id and r.delivered_at is null and r.unreachable_at is null
         returning s.code, s.scope_path)
       select distinct code, scope_path as "scopePath" from hit`,
      [`{${outboxIds.join(',')}}`, now, reason],
    );
  }

  /**
   * Marks unreachable the receipts whose instruction's second-channel message (ids) failed for
   * good, unless delivered or still waiting for a WeChat send. Returns the instructions touched.
   */
  async markChannelFailed(channelIds: readonly string[], now: Date): Promise<TouchedInstruction[]> {
    if (!channelIds.length) return [];
    return query<TouchedInstruction>(
      this.em,
      `with s as materialized (
         select i.id as instruction_id, o.grid_id, i.code, i.scope_path::text as scope_path
           from channel_message o join instruction i on i.code = o.ref
          where o.id = any(?::bigint[]) and o.kind = 'instruction' and o.dedupe_key like o.channel || ':' || i.code || ':issued:' || o.grid_id || '#%'
            and not exists (select 1 from outbox_message w where w.dedupe_key = ${SOURCES.wechat.key} and w.status = 'pending')),
       hit as (
         update instruction_receipt r set unreachable_at = ?, unreachable_reason = 'channel_failed'
           from s where r.instruction_id = s.instruction_id and r.grid_id = s.grid_id and r.delivered_at is null and r.unreachable_at is null
         returning s.code, s.scope_path)
       select distinct code, scope_path as "scopePath" from hit`,
      [`{${channelIds.join(',')}}`, now],
    );
  }
}
