import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { nextAttemptAt, type OutboxPolicy } from '../domain/outbox-policy.js';
import type { Logger } from '../infra/logger.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import type { AppDeps } from '../services/context.js';

/** A member to @-mention: by WeChat contact when bound, else by name in the text. */
export interface Mention {
  name: string;
  contactId: string | null;
}

/** Sends one message into a group through the account's puppet; throws when it could not. */
export type SendToRoom = (roomId: string, text: string, mentions: readonly Mention[]) => Promise<void>;

export interface SentEvent {
  id: string;
  roomId: string;
  text: string;
  dedupeKey: string;
}

/** How often an idle worker looks for due messages (queued by other instances or retries). */
const POLL_MS = 1000;

/**
 * A send the puppet has not confirmed by then counts as failed and is retried later: a hung
 * puppet call must not hold the row (and the account's whole outbox) forever.
 */
export const SEND_TIMEOUT_MS = 30_000;

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the puppet did not confirm the send within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long past the send timeout a claimed message stays leased to its worker. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Drains one bot account's outbox, one message at a time: claim (a lease, one short
 * statement), send (no transaction open, no pool connection held, however long the puppet
 * takes), then record the outcome (another short statement). Two workers never send the same
 * row; a restart resumes with what is still pending. A crash between WeChat accepting a
 * message and the record repeats that one message once its lease ends; no other.
 */
export class OutboxWorker extends EventEmitter<{ sent: [SentEvent] }> {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly log: Logger;

  constructor(
    private readonly app: AppDeps,
    readonly botAccount: string,
    private readonly send: SendToRoom,
    private readonly policy: OutboxPolicy,
    private readonly sendTimeoutMs: number = SEND_TIMEOUT_MS,
  ) {
    super();
    this.log = app.log.child({ component: 'outbox', bot: botAccount });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was queued: look now instead of at the next poll. */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  /** Sends every message due now; returns how many were attempted (for tests and the benchmark). */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.sendOne()) {
      n++;
      if (this.policy.intervalMs > 0) await sleep(this.policy.intervalMs);
    }
    return n;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const sent = await this.sendOne();
        if (sent) {
          if (this.policy.intervalMs > 0) await sleep(this.policy.intervalMs);
          continue;
        }
      } catch (err) {
        this.log.error({ err }, 'outbox worker error');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Claims, sends and settles one due message; false when none is due. */
  private async sendOne(): Promise<boolean> {
    const repo = new OutboxRepository(this.app.orm.em.fork());
    const [msg] = await repo.claimDue(this.botAccount, this.app.clock.now(), 1, this.sendTimeoutMs + LEASE_MARGIN_MS);
    if (!msg) return false;
    try {
      const mentions = await repo.mentionTargets(msg.mentionMemberIds, msg.gridId, msg.mentionRoles);
      await withTimeout(this.send(msg.roomId, msg.text, mentions.map((m) => ({ name: m.name, contactId: m.contactId }))), this.sendTimeoutMs);
    } catch (err) {
      const retryAt = nextAttemptAt(msg.attempts + 1, this.app.clock.now(), this.policy, Math.random());
      const why = err instanceof Error ? err.message : String(err);
      this.log.warn({ id: msg.id, roomId: msg.roomId, attempt: msg.attempts + 1, retryAt, err: why }, retryAt ? 'send failed, will retry' : 'send failed for good');
      await repo.markAttemptFailed(msg.id, why, retryAt);
      return true;
    }
    await repo.markSent(msg.id, this.app.clock.now());
    this.emit('sent', { id: msg.id, roomId: msg.roomId, text: msg.text, dedupeKey: msg.dedupeKey });
    return true;
  }
}
