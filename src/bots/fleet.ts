import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../infra/logger.js';
import { FleetRepository, type AcquiredAccount } from '../repositories/fleet.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import type { AppDeps } from '../services/context.js';
import type { OutboxMarks } from './outbox-marks.js';

/** What the fleet asks of the runtime for one account: start serving it, stop serving it. */
export interface AccountHost {
  serve(account: AcquiredAccount, mayServe: () => boolean): Promise<void>;
  drop(name: string): Promise<void>;
}

/** A hub instance's id: host, process and a random part (a restarted process is a new instance). */
export const newInstanceId = (): string => `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * This instance's share of the fleet. Every `leaseMs / 3` it records itself alive, renews the
 * leases it holds (an account it lost or that was retired is stopped here), serves its fair
 * share (ceil(accounts / live instances), at most its capacity): it sheds accounts beyond it
 * and takes accounts nobody holds (never leased, released, or whose instance died and let the
 * lease run out). Taking an account over gives back what its previous instance had claimed.
 * It also turns messages no online account can send for BOT_UNDELIVERABLE_AFTER_MS into
 * `undeliverable`.
 */
export class FleetLeases {
  private readonly held = new Map<string, number>();
  /** Accounts logging in (a mock account builds its groups; a real one waits for WeChat): heartbeats go on meanwhile. */
  private readonly starting = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly app: AppDeps,
    readonly instanceId: string,
    private readonly puppet: string,
    private readonly host: AccountHost,
    private readonly marks: OutboxMarks,
  ) {
    this.log = app.log.child({ component: 'fleet', instance: instanceId });
  }

  /**
   * Whether this instance still holds `name`'s lease: renewed less than a lease ago, on this
   * process's monotonic clock (so a paused or partitioned process stops sending by itself).
   */
  holds(name: string): boolean {
    const renewedAt = this.held.get(name);
    return renewedAt !== undefined && performance.now() - renewedAt < this.app.config.fleet.leaseMs;
  }

  names(): string[] {
    return [...this.held.keys()];
  }

  /** Takes the first share at once (start-up returns with its accounts logged in), then keeps ticking. */
  async start(): Promise<void> {
    const every = Math.max(200, Math.floor(this.app.config.fleet.leaseMs / 3));
    this.timer = setInterval(() => void this.beat(), every);
    await this.beat();
    await Promise.all(this.starting.values());
  }

  /** Stops serving an account (after its login finished, if it is still logging in). */
  private async drop(name: string): Promise<void> {
    await this.starting.get(name);
    await this.host.drop(name);
  }

  /** One heartbeat, never two at once. */
  private beat(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.ticking ??= this.tick()
      .catch((err: unknown) => this.log.error({ err }, 'fleet heartbeat failed'))
      .finally(() => (this.ticking = null));
    return this.ticking;
  }

  /** Stops every account it serves and gives their leases back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.all(this.starting.values());
    const names = this.names();
    for (const n of names) await this.drop(n);
    this.held.clear();
    const repo = this.repo();
    await repo.release(this.instanceId, names);
    await repo.removeInstance(this.instanceId);
  }

  private repo(): FleetRepository {
    return new FleetRepository(this.app.orm.em.fork());
  }

  /** One heartbeat now (tests call it after moving a manual clock). */
  async tick(): Promise<void> {
    const { leaseMs, instanceCapacity, undeliverableAfterMs } = this.app.config.fleet;
    const now = this.app.clock.now();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    const repo = this.repo();
    const renewedAt = performance.now();
    await repo.heartbeat(this.instanceId, instanceCapacity, now);
    const kept = await repo.renew(this.instanceId, this.names(), leaseUntil, now);
    for (const name of this.names()) {
      if (kept.has(name)) this.held.set(name, renewedAt);
      else {
        this.log.warn({ bot: name }, 'lease lost or account retired: no longer serving it');
        this.held.delete(name);
        await this.drop(name);
        await repo.release(this.instanceId, [name]);
      }
    }
    const { instances, accounts } = await repo.shares(this.puppet, new Date(now.getTime() - leaseMs));
    const share = Math.min(instanceCapacity, Math.ceil(accounts / Math.max(1, instances)));
    if (this.held.size > share) {
      const shed = this.names().slice(share);
      this.log.info({ shed, share }, 'serving more than its share: handing accounts over');
      for (const n of shed) {
        this.held.delete(n);
        await this.drop(n);
      }
      await repo.release(this.instanceId, shed);
    } else if (this.held.size < share) {
      for (const acc of await repo.acquire(this.instanceId, this.puppet, share - this.held.size, leaseUntil, now)) {
        this.held.set(acc.name, renewedAt);
        const released = await new OutboxRepository(this.app.orm.em.fork()).releaseAccount(acc.name, now);
        this.log.info({ bot: acc.name, released }, 'serving account');
        const started = this.host
          .serve(acc, () => this.holds(acc.name))
          .catch(async (err: unknown) => {
            this.log.error({ bot: acc.name, err }, 'could not start account: giving it back');
            this.held.delete(acc.name);
            await this.host.drop(acc.name).catch(() => {});
            await this.repo().release(this.instanceId, [acc.name]);
          })
          .finally(() => this.starting.delete(acc.name));
        this.starting.set(acc.name, started);
      }
    }
    const undeliverable = await this.marks.undelivered((outbox) => outbox.sweepStranded(now, new Date(now.getTime() - undeliverableAfterMs)));
    if (undeliverable.length) this.log.warn({ count: undeliverable.length }, 'messages undeliverable: no online account in their groups');
  }
}
