import type { EntityManager } from '@mikro-orm/postgresql';
import { splitContent, WECOM_POLICY } from '../domain/channel-policy.js';
import type { UnreachableReason } from '../domain/delivery.js';
import { ChannelRepository, type ChannelDraft } from '../repositories/channel.repository.js';
import { DeliveryRepository, type TouchedInstruction } from '../repositories/delivery.repository.js';
import type { SettledMessage } from '../repositories/outbox.repository.js';
import { TRUNCATED_MARK } from '../texts/zh/index.js';
import type { AppDeps } from './context.js';

/** The second channel every fallback goes to (channels/channel.port.ts). */
export const FALLBACK_CHANNEL = 'wecom';

/** A message split into a channel's parts: dedupe keys `<kind>:<key>#<n>`, mentions on the first part only. */
export function channelParts(kind: string, m: Omit<ChannelDraft, 'text' | 'dedupeKey'> & { text: string; dedupeKey: string }): ChannelDraft[] {
  return splitContent(m.text, WECOM_POLICY, TRUNCATED_MARK).map((text, i) => ({
    ...m,
    text,
    dedupeKey: `${kind}:${m.dedupeKey}#${i + 1}`,
    mentionAll: i === 0 && Boolean(m.mentionAll),
    mentionMemberIds: i === 0 ? (m.mentionMemberIds ?? []) : [],
    mentionRoles: i === 0 ? (m.mentionRoles ?? []) : [],
  }));
}

/**
 * What the senders report back (issue 11, points 5 and 6). For WeChat it is the outbox's
 * delivery hooks (bots/outbox-marks.ts): `onSent` and `onUndelivered` write in the transaction
 * that settles the messages, so a receipt's delivery time commits with the sent mark or not at
 * all, and tell the instructions' live feeds once it has committed. The channel worker calls
 * `channelSent` and `channelFailed` the same way, in the transaction of its own marks.
 */
export class DeliveryLedger {
  constructor(private readonly app: AppDeps) {}

  /** WeChat sent these outbox messages: receipts of their instructions are delivered from then. */
  onSent = async (em: EntityManager, rows: readonly SettledMessage[]): Promise<() => void> => {
    const touched = await new DeliveryRepository(em).recordSent(rows.map((r) => ({ id: r.id, sentAt: r.at })));
    return () => this.publish(touched);
  };

  /**
   * WeChat will not deliver these outbox messages (failed for good, or no account could send
   * them in time): each goes to its grid's second channel when the grid has one; an
   * instruction's grid without one is unreachable from now.
   */
  onUndelivered = async (em: EntityManager, rows: readonly SettledMessage[]): Promise<() => void> => {
    const touched: TouchedInstruction[] = [];
    for (const reason of ['failed', 'undeliverable'] as const) {
      const ids = rows.filter((r) => r.status === reason).map((r) => r.id);
      if (ids.length) touched.push(...(await this.undelivered(em, ids, reason)));
    }
    return () => this.publish(touched);
  };

  /**
   * A second channel sent these messages: their instructions' grids are delivered from then.
   * Written in `em`, the transaction that marks them sent; returns the live feeds' telling, for after it commits.
   */
  channelSent = async (em: EntityManager, rows: ReadonlyArray<{ id: string; sentAt: Date }>): Promise<() => void> => {
    const touched = await new DeliveryRepository(em).recordChannelSent(rows);
    return () => this.publish(touched);
  };

  /** A second channel gave these messages up: a grid not told otherwise is unreachable (in `em`, as channelSent). */
  channelFailed = async (em: EntityManager, ids: readonly string[]): Promise<() => void> => {
    const touched = await new DeliveryRepository(em).markChannelFailed(ids, this.app.clock.now());
    return () => this.publish(touched);
  };

  private async undelivered(em: EntityManager, ids: readonly string[], reason: Extract<UnreachableReason, 'failed' | 'undeliverable'>): Promise<TouchedInstruction[]> {
    const now = this.app.clock.now();
    const repo = new DeliveryRepository(em);
    const messages = await repo.undelivered(ids);
    const drafts = messages
      .filter((m) => m.hasChannel && m.gridId !== null)
      .flatMap((m) =>
        channelParts(FALLBACK_CHANNEL, {
          gridId: m.gridId!, text: m.text, dedupeKey: m.dedupeKey, kind: m.kind, ref: m.ref,
          mentionAll: m.gradeI, mentionMemberIds: m.mentionMemberIds, mentionRoles: m.mentionRoles,
        }),
      );
    await new ChannelRepository(em).enqueue(FALLBACK_CHANNEL, drafts, now);
    return repo.markUnreachable(messages.map((m) => m.id), reason, now);
  }

  private publish(touched: readonly TouchedInstruction[]): void {
    const at = this.app.clock.now().toISOString();
    for (const t of touched) this.app.pubsub.publish('instructionChanged', { path: t.scopePath, code: t.code, kind: 'delivered', at });
  }
}
