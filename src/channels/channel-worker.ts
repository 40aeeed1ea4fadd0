import { nextAttemptAt } from '../domain/outbox-policy.js';
import { secretBox, type SecretBox } from '../infra/secret-box.js';
import type { Logger } from '../infra/logger.js';
import { ChannelRepository, type ClaimedChannelMessage } from '../repositories/channel.repository.js';
import type { AppDeps } from '../services/context.js';
import { DeliveryLedger } from '../services/delivery-ledger.service.js';
import type { Channel } from './channel.port.js';

/** How often an idle worker looks for due messages. */
const POLL_MS = 1000;
/** Robots served at once by one worker (each at most one request in flight). */
const BATCH = 16;
/** How long a claimed message stays leased to this worker (past the adapter's request timeout). */
const LEASE_MS = 60_000;

/**
 * Drains `channel_message` for one channel: claims due messages of robots the policy lets send
 * (rows leased, robots' windows counted under a row lock, so any number of instances share the
 * work and never send a message twice, nor a robot more than its rate), sends them with no
 * transaction open, then records the outcome and tells the delivery ledger.
 */
export class ChannelWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly log: Logger;
  private readonly box: SecretBox;

  constructor(
    private readonly app: AppDeps,
    private readonly channel: Channel,
  ) {
    this.log = app.log.child({ component: 'channel', channel: channel.kind });
    this.box = secretBox(app.config.channels.secretKey);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Sends one round of what is due now; returns how many requests were made (tests, benchmarks). */
  async drainOnce(): Promise<number> {
    const repo = new ChannelRepository(this.app.orm.em.fork());
    const claimed = await repo.claim(this.channel.kind, this.app.clock.now(), BATCH, LEASE_MS, this.channel.policy);
    await Promise.all(claimed.map((m) => this.sendOne(repo, m)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if ((await this.drainOnce()) > 0) continue;
      } catch (err) {
        this.log.error({ err }, 'channel worker error');
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

  private async sendOne(repo: ChannelRepository, m: ClaimedChannelMessage): Promise<void> {
    const ledger = new DeliveryLedger(this.app);
    let outcome;
    try {
      const mobiles = await repo.mobiles(m.mentionMemberIds, m.gridId, m.mentionRoles);
      outcome = await this.channel.send(this.box.open(m.target), { text: m.text, mentionAll: m.mentionAll, mentionMobiles: mobiles });
    } catch (err) {
      outcome = { ok: false as const, kind: 'retry' as const, error: err instanceof Error ? err.message : String(err) };
    }
    const now = this.app.clock.now();
    if (outcome.ok) {
      // The sent mark and the receipts' delivery time commit together: a crash between them would leave grids "being told" for ever.
      const tell = await this.app.orm.em.fork().transactional(async (tx) => {
        await new ChannelRepository(tx).markSent(m.id, now);
        return ledger.channelSent(tx, [{ id: m.id, sentAt: now }]);
      });
      tell();
      return;
    }
    if (outcome.kind === 'rate_limited') {
      const until = new Date(now.getTime() + this.channel.policy.rateLimitPauseMs);
      this.log.warn({ id: m.id, grid: m.gridId, until }, 'robot rate-limited: it rests');
      await repo.rateLimited(m.id, m.channelId, outcome.error, until);
      return;
    }
    const retryAt = outcome.kind === 'never' ? null : nextAttemptAt(m.attempts + 1, now, { ...this.channel.policy, intervalMs: 0 }, Math.random());
    this.log.warn({ id: m.id, grid: m.gridId, attempt: m.attempts + 1, retryAt, err: outcome.error }, retryAt ? 'channel send failed, will retry' : 'channel send failed for good');
    const tell = await this.app.orm.em.fork().transactional(async (tx) => {
      await new ChannelRepository(tx).markAttemptFailed(m.id, outcome.error, retryAt);
      return retryAt ? () => {} : ledger.channelFailed(tx, [m.id]);
    });
    tell();
  }
}
