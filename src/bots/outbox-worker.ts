import { EventEmitter } from 'node:events';
import { LANE_POLICY } from '../domain/delivery-lanes.js';
import { nextAttemptAt, type OutboxPolicy } from '../domain/outbox-policy.js';
import { afterRateLimit, afterSend, initialPacing, isRateLimitAnswer, nextSendAt, sendsWithin, type PacingPolicy, type PacingState } from '../domain/pacing.js';
import type { Logger } from '../infra/logger.js';
import { OutboxRepository, type DueMessage } from '../repositories/outbox.repository.js';
import type { AppDeps } from '../services/context.js';
import { OutboxMarks } from './outbox-marks.js';

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
  botAccount: string;
}

/** How often an idle worker looks for due messages (queued by other instances or retries). */
const POLL_MS = 1000;

/**
 * A send the puppet has not confirmed by then counts as failed and is retried later: a hung
 * puppet call must not hold the row (and the account's whole outbox) forever.
 */
export const SEND_TIMEOUT_MS = 30_000;

/** How far ahead an account claims: what its pace lets it send in this window (a batch per claim). */
const CLAIM_WINDOW_MS = 1_000;
/** The most one claim takes (unpaced accounts). */
const MAX_BATCH = 32;
/** How long past its last planned send a claimed batch stays leased to its worker. */
const LEASE_MARGIN_MS = 30_000;

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

/** The pacing an outbox policy implies when none is given: its interval, no burst, no caps. */
export const pacingOf = (policy: OutboxPolicy): PacingPolicy => ({ intervalMs: policy.intervalMs, burst: 1, perHour: 0, perDay: 0, rateLimitBackoffMs: 5 * 60_000, maxRateLimitBackoffMs: 60 * 60_000 });

export interface OutboxWorkerOptions {
  /** The account's pace (default: the outbox policy's interval). */
  pacing?: PacingPolicy;
  /** The instance's group-commit writer (default: one of its own). */
  marks?: OutboxMarks;
  /** Whether the account's lease is still held: checked before every send. */
  mayServe?: () => boolean;
  /** Sends already made today (the per-day cap continues from there). */
  sentToday?: number;
}

type Step = { kind: 'sent' } | { kind: 'idle' } | { kind: 'wait'; ms: number };

/**
 * Drains the outbox for one bot account: claims a batch of the most urgent due messages of the
 * groups it sits in (one statement, a lease; as many as its pace lets it send in a few
 * seconds), then per message: records the send's start, sends (no transaction open, no pool
 * connection held, however long the puppet takes), records the outcome, at the account's
 * pace. Marks go through the instance's group commit and each is awaited before the next send,
 * so a crash between WeChat accepting a message and the record repeats that one message, no
 * other. WeChat's rate-limit answer backs this account off alone and gives its batch back.
 */
export class OutboxWorker extends EventEmitter<{ sent: [SentEvent]; rateLimited: [Date]; resumed: [] }> {
  private running = false;
  private draining = false;
  private kicked = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly log: Logger;
  private readonly pacing: PacingPolicy;
  private readonly marks: OutboxMarks;
  private batch: DueMessage[] = [];
  private mentions = new Map<string, Array<{ name: string; contactId: string | null }>>();
  private pace: PacingState;
  private limited = false;
  /** The message whose start was recorded with the previous one's sent mark. */
  private startedNext: string | null = null;
  /** The step in progress: the loop and a drain take turns, never step at once. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: AppDeps,
    readonly botAccount: string,
    private readonly send: SendToRoom,
    private readonly policy: OutboxPolicy,
    private readonly sendTimeoutMs: number = SEND_TIMEOUT_MS,
    private readonly opts: OutboxWorkerOptions = {},
  ) {
    super();
    this.log = app.log.child({ component: 'outbox', bot: botAccount });
    this.pacing = opts.pacing ?? pacingOf(policy);
    this.marks = opts.marks ?? new OutboxMarks(app);
    this.pace = initialPacing(this.pacing, app.clock.now().getTime(), opts.sentToday ?? 0);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was queued: look now instead of at the next poll (a kick during a step is kept for its pause). */
  kick(): void {
    if (this.wake) this.wake();
    else this.kicked = true;
  }

  /** Stops after the send in flight and gives the rest of its claimed batch back. */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await this.giveBack();
  }

  /** Sends every message due now, at the account's pace (until a rate-limit back-off); returns how many were attempted (tests, benchmarks). */
  async drain(): Promise<number> {
    let n = 0;
    this.draining = true;
    for (;;) {
      const step = await this.inTurn(() => this.step());
      if (step.kind === 'idle') break;
      if (step.kind === 'sent') n++;
      // Held back by WeChat's rate limit: nothing more is due for this account now.
      else if (this.limited) break;
      else await this.pause(step.ms);
    }
    this.draining = false;
    await this.inTurn(() => this.giveBack());
    return n;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let wait = POLL_MS;
      try {
        const step = await this.inTurn(() => this.step());
        if (step.kind === 'sent') continue;
        if (step.kind === 'wait') wait = step.ms;
      } catch (err) {
        this.log.error({ err }, 'outbox worker error');
      }
      if (this.running) await this.pause(wait);
    }
  }

  /** Sleeps `ms`, or until kicked or stopped. */
  private pause(ms: number): Promise<void> {
    if (this.kicked) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = null));
  }

  /** Runs after the step in progress: a drain that finds nothing due has seen the loop's send finish. */
  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const done = this.turn.then(work);
    this.turn = done.catch(() => undefined);
    return done;
  }

  private async giveBack(): Promise<void> {
    const ids = this.batch.map((m) => m.id);
    this.batch = [];
    if (ids.length) await new OutboxRepository(this.app.orm.em.fork()).release(ids);
  }

  /** One send (or the wait before it): claims a batch when the last one is used up. */
  private async step(): Promise<Step> {
    const now = this.app.clock.now();
    const at = nextSendAt(this.pace, this.pacing, now.getTime());
    if (at > now.getTime()) return { kind: 'wait', ms: at - now.getTime() };
    if (this.limited) {
      this.limited = false;
      this.emit('resumed');
    }
    if (this.opts.mayServe && !this.opts.mayServe()) {
      await this.giveBack();
      return { kind: 'idle' };
    }
    if (!this.batch.length && !(await this.claim(now))) return { kind: 'idle' };
    const msg = this.batch.shift()!;
    const repo = new OutboxRepository(this.app.orm.em.fork());
    if (this.startedNext !== msg.id) await this.marks.start(msg.id, this.botAccount);
    this.startedNext = null;
    const timed = this.app.metrics.sendSeconds.startTimer({ account: this.botAccount });
    try {
      await withTimeout(this.send(msg.roomId, msg.text, this.mentions.get(msg.id) ?? []), this.sendTimeoutMs);
      timed({ outcome: 'sent' });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const rateLimited = isRateLimitAnswer(why);
      timed({ outcome: rateLimited ? 'rate_limited' : 'failed' });
      const failedAt = this.app.clock.now();
      if (rateLimited) {
        // WeChat's "too often": this account waits; its messages go back for the others at once.
        this.pace = afterRateLimit(this.pace, this.pacing, failedAt.getTime());
        this.limited = true;
        await repo.markAttemptFailed(msg.id, why, failedAt, failedAt);
        await this.giveBack();
        const until = new Date(this.pace.blockedUntil);
        this.log.warn({ id: msg.id, until, err: why }, 'WeChat rate-limited this account: backing off');
        this.emit('rateLimited', until);
        return { kind: 'sent' };
      }
      const retryAt = nextAttemptAt(msg.attempts + 1, failedAt, this.policy, Math.random());
      this.log.warn({ id: msg.id, roomId: msg.roomId, attempt: msg.attempts + 1, retryAt, err: why }, retryAt ? 'send failed, will retry' : 'send failed for good');
      if (retryAt) await repo.markAttemptFailed(msg.id, why, retryAt, failedAt);
      else await this.marks.undelivered(async (tx) => { const r = await tx.markAttemptFailed(msg.id, why, null, failedAt); return r ? [r] : []; });
      return { kind: 'sent' };
    }
    const sentAt = this.app.clock.now();
    this.pace = afterSend(this.pace, this.pacing, sentAt.getTime());
    // The next message goes out at once: record its start with this one's sent mark.
    const next = this.running || this.draining ? this.batch[0] : undefined;
    const goesNow = next && nextSendAt(this.pace, this.pacing, sentAt.getTime()) <= sentAt.getTime() && (!this.opts.mayServe || this.opts.mayServe());
    await this.marks.markSent(msg.id, sentAt, goesNow ? { id: next.id, botAccount: this.botAccount } : null);
    if (goesNow) this.startedNext = next.id;
    this.emit('sent', { id: msg.id, roomId: msg.roomId, text: msg.text, dedupeKey: msg.dedupeKey, botAccount: this.botAccount });
    return { kind: 'sent' };
  }

  /** Leases the next batch: as many as the account's pace lets it send in the claim window. */
  private async claim(now: Date): Promise<boolean> {
    const n = Math.max(1, sendsWithin(this.pace, this.pacing, now.getTime(), CLAIM_WINDOW_MS, MAX_BATCH));
    const leaseMs = this.sendTimeoutMs + LEASE_MARGIN_MS + n * this.pacing.intervalMs;
    const reply = LANE_POLICY.reply;
    const repo = new OutboxRepository(this.app.orm.em.fork());
    const promote = reply.promoteAfterMs === null ? null : { priority: reply.priority, before: new Date(now.getTime() - reply.promoteAfterMs) };
    this.batch = await repo.claimDue(this.botAccount, now, n, leaseMs, promote);
    this.mentions = this.batch.length ? await repo.mentionsFor(this.batch) : new Map<string, Mention[]>();
    return this.batch.length > 0;
  }
}
