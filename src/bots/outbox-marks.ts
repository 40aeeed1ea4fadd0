import type { EntityManager } from '@mikro-orm/postgresql';
import { dayKey } from '../domain/day-key.js';
import { OutboxRepository, type SettledMessage } from '../repositories/outbox.repository.js';
import type { AppDeps } from '../services/context.js';

export type { SettledMessage };

/**
 * Where the rest of the hub learns what became of its messages: the one place where "these
 * messages were sent at T" and "these failed for good / became undeliverable" happen. Each is
 * called inside the transaction that records it, so what a hook writes (a receipt's delivery
 * time, a grid marked unreachable) commits with it or not at all.
 */
export interface DeliveryHooks {
  onSent(em: EntityManager, rows: readonly SettledMessage[]): Promise<AfterCommit | void>;
  onUndelivered(em: EntityManager, rows: readonly SettledMessage[]): Promise<AfterCommit | void>;
}

/** What a hook does once its transaction has committed (tell the live feeds). */
export type AfterCommit = () => void;

export const NO_DELIVERY_HOOKS: DeliveryHooks = { onSent: async () => {}, onUndelivered: async () => {} };

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit of the outbox's marks for every account of an instance: "send started" (attempts
 * + 1, before the puppet is called) and "sent". Each account waits for its mark to commit before
 * its next send, so a crash repeats at most the one message per account that was in flight,
 * while the marks of all accounts sending at that moment share one transaction: the drain rate
 * grows with the accounts instead of being one commit per message. One batch at a time.
 */
export class OutboxMarks {
  private started: Array<{ id: string; botAccount: string } & Waiter> = [];
  private sent: Array<{ id: string; at: Date } & Waiter> = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly app: AppDeps,
    private readonly hooks: DeliveryHooks = NO_DELIVERY_HOOKS,
  ) {}

  /** Resolves once the start of this send is recorded. */
  start(id: string, botAccount: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.started.push({ id, botAccount, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Resolves once the message is recorded as sent (and the hooks ran with it), and, in the same
   * transaction, the start of the account's next send when it is given (one commit per message).
   */
  markSent(id: string, at: Date, next: { id: string; botAccount: string } | null = null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sent.push({ id, at, resolve, reject });
      if (next) this.started.push({ ...next, resolve: () => {}, reject: () => {} });
      this.schedule();
    });
  }

  /** Runs the undelivered hook for messages that failed for good or became undeliverable, with `record` in one transaction. */
  async undelivered(record: (repo: OutboxRepository) => Promise<readonly SettledMessage[]>): Promise<readonly SettledMessage[]> {
    const after: Array<AfterCommit | void> = [];
    const rows = await this.app.orm.em.fork().transactional(async (tx) => {
      const settled = await record(new OutboxRepository(tx));
      if (settled.length) after.push(await this.hooks.onUndelivered(tx, settled));
      return settled;
    });
    for (const f of after) f?.();
    return rows;
  }

  /** Waits for the marks submitted so far. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private schedule(): void {
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
      if (this.started.length || this.sent.length) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    // Let the accounts that are about to mark join this batch.
    await new Promise((r) => setImmediate(r));
    const started = this.started;
    const sent = this.sent;
    this.started = [];
    this.sent = [];
    const all: Waiter[] = [...started, ...sent];
    try {
      const after: Array<AfterCommit | void> = [];
      await this.app.orm.em.fork().transactional(async (tx) => {
        const repo = new OutboxRepository(tx);
        await repo.markStarted(started);
        if (sent.length) {
          const rows = await repo.markSentMany(sent, dayKey(this.app.clock.now(), this.app.config.timeZone));
          if (rows.length) after.push(await this.hooks.onSent(tx, rows));
        }
      });
      for (const f of after) f?.();
      for (const w of all) w.resolve();
    } catch (err) {
      for (const w of all) w.reject(err);
    }
  }
}
