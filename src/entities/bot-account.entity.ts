import { Entity, type Opt, PrimaryKey, Property } from '@mikro-orm/core';

/** A bot account's state across the fleet (README "Running a fleet"). */
export type BotAccountState = 'online' | 'waiting_for_scan' | 'offline' | 'rate_limited';

/**
 * One WeChat account of the fleet. Exactly one hub instance serves it at a time, through a
 * lease in this row (`instanceId`, `leaseUntil`) that the serving instance renews with every
 * heartbeat; an instance that dies loses its leases when they run out and another takes the
 * account over. Seeded from BOT_ACCOUNTS / the service tokens; added and retired over GraphQL.
 */
@Entity({ tableName: 'bot_account' })
export class BotAccountEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64, unique: true })
  name!: string;

  /** The Wechaty puppet that logs it in (`wechaty-puppet-mock` in demo mode). */
  @Property({ type: 'string', length: 64 })
  puppet!: string;

  /**
   * Where its login comes from, never the secret itself: `token:N` (the N-th token of
   * WECHATY_PUPPET_SERVICE_TOKEN), `memory:NAME` (wechat4u's saved session), or null.
   */
  @Property({ type: 'string', length: 200, nullable: true })
  credentialsRef?: string | null;

  @Property({ type: 'string', length: 24, default: 'offline' })
  state: BotAccountState & Opt = 'offline';

  /** The hub instance serving it (holding its lease), or null. */
  @Property({ type: 'string', length: 128, nullable: true })
  instanceId?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  leaseUntil?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  heartbeatAt?: Date | null;

  /** Messages sent on `sendsDay` (the grid's calendar day), for the per-day cap and the fleet view. */
  @Property({ type: 'integer', default: 0 })
  sendsToday: number & Opt = 0;

  @Property({ type: 'string', length: 10, nullable: true })
  sendsDay?: string | null;

  /** While `rate_limited`: when it tries again. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  rateLimitedUntil?: Date | null;

  /** Retired accounts are served by no instance and kept for the record. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  retiredAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
