import type { Actor } from '../domain/actor.js';
import { laneOf, type DeliveryLane } from '../domain/delivery-lanes.js';
import { DomainError } from '../domain/errors.js';
import { FleetRepository, type FleetAccountRow } from '../repositories/fleet.repository.js';
import { OutboxRepository, type DeliveryCounts } from '../repositories/outbox.repository.js';
import type { ServiceDeps } from './context.js';
import { assertMay, type GridService } from './grid.service.js';

export type { FleetAccountRow };

/** How one code's messages are getting out: overall, per lane and per account. */
export interface DeliveryProgress {
  ref: string;
  total: DeliveryCounts;
  lanes: Array<DeliveryCounts & { lane: DeliveryLane; priority: number }>;
  /** Per account that claimed or sent them (`null`: waiting, no account has them yet). */
  accounts: Array<DeliveryCounts & { account: string | null }>;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const CREDENTIALS = /^(token:\d{1,4}|memory:[A-Za-z0-9_.-]{1,120})$/;
const zero = (): DeliveryCounts => ({ pending: 0, sent: 0, failed: 0, undeliverable: 0 });
const add = (into: DeliveryCounts, c: DeliveryCounts) => {
  into.pending += c.pending;
  into.sent += c.sent;
  into.failed += c.failed;
  into.undeliverable += c.undeliverable;
};

/** The bot fleet as data: every account across instances, adding and retiring them, delivery progress. */
export class FleetService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  /** Every account of every instance, active first. */
  list(): Promise<FleetAccountRow[]> {
    return new FleetRepository(this.deps.em).list();
  }

  /**
   * Adds an account (admins): an instance with spare capacity logs it in at its next heartbeat.
   * `credentialsRef` says where its login comes from (`token:N`, `memory:NAME`), never the secret.
   */
  async add(actor: Actor, input: { name: string; puppet?: string | null; credentialsRef?: string | null }): Promise<FleetAccountRow> {
    assertMay(actor, 'bot.manage');
    const name = input.name.trim();
    if (!NAME.test(name)) throw new DomainError('BAD_USER_INPUT', 'name must be 1 to 64 letters, digits, _ or -');
    const ref = input.credentialsRef?.trim() || null;
    if (ref !== null && !CREDENTIALS.test(ref)) throw new DomainError('BAD_USER_INPUT', 'credentialsRef must be token:N (the N-th WECHATY_PUPPET_SERVICE_TOKEN) or memory:NAME');
    const puppet = input.puppet?.trim() || this.deps.config.puppet || 'wechaty-puppet-mock';
    const repo = new FleetRepository(this.deps.em);
    if (!(await repo.add(name, puppet, ref, this.deps.clock.now()))) throw new DomainError('CONFLICT', `bot account ${name} exists already`);
    return (await repo.list()).find((a) => a.name === name)!;
  }

  /** Retires an account (admins): its instance stops it within a heartbeat; its groups' other accounts carry its messages. */
  async retire(actor: Actor, name: string): Promise<FleetAccountRow> {
    assertMay(actor, 'bot.manage');
    const repo = new FleetRepository(this.deps.em);
    if (!(await repo.retire(name.trim(), this.deps.clock.now()))) throw new DomainError('NOT_FOUND', `no active bot account ${name}`);
    return (await repo.list()).find((a) => a.name === name.trim())!;
  }

  /** Delivery of one code's messages to the groups of the actor's subtree. */
  async progress(actor: Actor, ref: string): Promise<DeliveryProgress> {
    const code = ref.trim().toUpperCase();
    const scopePath = await this.grids.scopePath(actor, null);
    const rows = await new OutboxRepository(this.deps.em).progress(code, scopePath);
    const total = zero();
    const lanes = new Map<number, DeliveryProgress['lanes'][number]>();
    const accounts = new Map<string | null, DeliveryProgress['accounts'][number]>();
    for (const r of rows) {
      add(total, r);
      const lane = lanes.get(r.priority) ?? { lane: laneOf(r.priority), priority: r.priority, ...zero() };
      add(lane, r);
      lanes.set(r.priority, lane);
      const acc = accounts.get(r.botAccount) ?? { account: r.botAccount, ...zero() };
      add(acc, r);
      accounts.set(r.botAccount, acc);
    }
    return { ref: code, total, lanes: [...lanes.values()], accounts: [...accounts.values()] };
  }
}
