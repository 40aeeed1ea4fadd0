import type { EntityManager } from '@mikro-orm/postgresql';
import type { BotAccountState } from '../entities/bot-account.entity.js';
import { query } from './sql.js';

/** An account as the fleet view shows it. */
export interface FleetAccountRow {
  name: string;
  puppet: string;
  credentialsRef: string | null;
  state: BotAccountState;
  instanceId: string | null;
  leaseUntil: Date | null;
  heartbeatAt: Date | null;
  sendsToday: number;
  sendsDay: string | null;
  rateLimitedUntil: Date | null;
  retiredAt: Date | null;
  /** Messages it has claimed and not yet sent. */
  claimed: number;
  /** Groups it sits in. */
  groups: number;
}

/** An account an instance has just taken a lease on. */
export interface AcquiredAccount {
  name: string;
  puppet: string;
  credentialsRef: string | null;
  sendsToday: number;
  sendsDay: string | null;
}

const d = (v: string | Date | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

/**
 * The fleet's accounts, their leases and the hub instances that serve them (PostgreSQL). Every
 * lease change is one conditional statement, so two instances never both hold an account.
 */
export class FleetRepository {
  constructor(private readonly em: EntityManager) {}

  /** Adds accounts that do not exist yet (BOT_ACCOUNTS / tokens at start-up); never revives a retired one. */
  async seed(accounts: ReadonlyArray<{ name: string; puppet: string; credentialsRef: string | null }>, now: Date): Promise<void> {
    if (!accounts.length) return;
    await query(
      this.em,
      `insert into bot_account (name, puppet, credentials_ref, created_at)
       select a.name, a.puppet, a.ref, ? from jsonb_to_recordset(?::jsonb) a(name text, puppet text, ref text) on conflict (name) do nothing`,
      [now, JSON.stringify(accounts.map((a) => ({ name: a.name, puppet: a.puppet, ref: a.credentialsRef })))],
    );
  }

  /** Adds one account; false when the name is taken. */
  async add(name: string, puppet: string, credentialsRef: string | null, now: Date): Promise<boolean> {
    const rows = await query(this.em, `insert into bot_account (name, puppet, credentials_ref, created_at) values (?, ?, ?, ?) on conflict (name) do nothing returning id`, [name, puppet, credentialsRef, now]);
    return rows.length > 0;
  }

  /** Retires an account: no instance serves it any more (its instance stops it at the next heartbeat). */
  async retire(name: string, now: Date): Promise<boolean> {
    const rows = await query(this.em, `update bot_account set retired_at = ?, state = 'offline' where name = ? and retired_at is null returning id`, [now, name]);
    return rows.length > 0;
  }

  async list(): Promise<FleetAccountRow[]> {
    const rows = await query<{ name: string; puppet: string; credentials_ref: string | null; state: BotAccountState; instance_id: string | null; lease_until: string | null; heartbeat_at: string | null; sends_today: number; sends_day: string | null; rate_limited_until: string | null; retired_at: string | null; claimed: string; groups: string }>(
      this.em,
      `select b.*, (select count(*) from outbox_message o where o.bot_account = b.name and o.status = 'pending' and o.lease_until is not null) as claimed,
              (select count(*) from chat_group_account ga where ga.bot_account = b.name) as groups
         from bot_account b order by b.retired_at nulls first, b.name`,
    );
    return rows.map((r) => ({
      name: r.name, puppet: r.puppet, credentialsRef: r.credentials_ref, state: r.state, instanceId: r.instance_id, leaseUntil: d(r.lease_until), heartbeatAt: d(r.heartbeat_at),
      sendsToday: r.sends_today, sendsDay: r.sends_day, rateLimitedUntil: d(r.rate_limited_until), retiredAt: d(r.retired_at), claimed: Number(r.claimed), groups: Number(r.groups),
    }));
  }

  /** Records this instance alive with its capacity. */
  async heartbeat(instanceId: string, capacity: number, now: Date): Promise<void> {
    await query(this.em, `insert into bot_instance (id, capacity, heartbeat_at) values (?, ?, ?) on conflict (id) do update set capacity = excluded.capacity, heartbeat_at = excluded.heartbeat_at`, [instanceId, capacity, now]);
  }

  async removeInstance(instanceId: string): Promise<void> {
    await query(this.em, `delete from bot_instance where id = ?`, [instanceId]);
  }

  /** Instances alive since `since` and the accounts of `puppet` to share among them. */
  async shares(puppet: string, since: Date): Promise<{ instances: number; accounts: number }> {
    const [row] = await query<{ instances: string; accounts: string }>(
      this.em,
      `select (select count(*) from bot_instance where heartbeat_at > ?) as instances, (select count(*) from bot_account where retired_at is null and puppet = ?) as accounts`,
      [since, puppet],
    );
    return { instances: Number(row?.instances ?? 0), accounts: Number(row?.accounts ?? 0) };
  }

  /**
   * Renews this instance's leases; returns the names it still holds (a retired one, or one
   * another instance took after the lease ran out, is missing).
   */
  async renew(instanceId: string, names: readonly string[], leaseUntil: Date, now: Date): Promise<Set<string>> {
    if (!names.length) return new Set();
    const rows = await query<{ name: string }>(
      this.em,
      `update bot_account set lease_until = ?, heartbeat_at = ? where instance_id = ? and name = any(?::text[]) and retired_at is null returning name`,
      [leaseUntil, now, instanceId, `{${names.map((n) => JSON.stringify(n)).join(',')}}`],
    );
    return new Set(rows.map((r) => r.name));
  }

  /** Takes up to `n` accounts of `puppet` that nobody holds (never leased, released, or whose lease ran out). */
  async acquire(instanceId: string, puppet: string, n: number, leaseUntil: Date, now: Date): Promise<AcquiredAccount[]> {
    if (n <= 0) return [];
    const rows = await query<{ name: string; puppet: string; credentials_ref: string | null; sends_today: number; sends_day: string | null }>(
      this.em,
      `update bot_account b set instance_id = ?, lease_until = ?, heartbeat_at = ?, state = 'offline'
        where b.id in (select id from bot_account where retired_at is null and puppet = ? and (lease_until is null or lease_until <= ?) order by name limit ? for update skip locked)
       returning b.name, b.puppet, b.credentials_ref, b.sends_today, b.sends_day`,
      [instanceId, leaseUntil, now, puppet, now, n],
    );
    return rows.map((r) => ({ name: r.name, puppet: r.puppet, credentialsRef: r.credentials_ref, sendsToday: r.sends_today, sendsDay: r.sends_day }));
  }

  /** Gives accounts back (an instance stopping or shedding its excess share). */
  async release(instanceId: string, names: readonly string[]): Promise<void> {
    if (!names.length) return;
    await query(this.em, `update bot_account set instance_id = null, lease_until = null, state = 'offline' where instance_id = ? and name = any(?::text[])`, [instanceId, `{${names.map((n) => JSON.stringify(n)).join(',')}}`]);
  }

  /** Records an account's state as its serving instance sees it. */
  async setState(instanceId: string, name: string, state: BotAccountState, rateLimitedUntil: Date | null = null): Promise<void> {
    await query(this.em, `update bot_account set state = ?, rate_limited_until = ? where name = ? and instance_id = ?`, [state, rateLimitedUntil, name, instanceId]);
  }

  /** Records that `account` sits in these groups (or direct-message contacts are not groups: rooms only). */
  async joinGroups(account: string, roomIds: readonly string[], now: Date): Promise<void> {
    if (!roomIds.length) return;
    await query(
      this.em,
      `insert into chat_group_account (room_id, bot_account, seen_at) select r, ?, ? from unnest(?::text[]) r on conflict (room_id, bot_account) do update set seen_at = excluded.seen_at`,
      [account, now, `{${roomIds.map((r) => JSON.stringify(r)).join(',')}}`],
    );
  }

  /** Demo mode: every account sits in every group whose room id starts with `roomPrefix`. */
  async joinAllGroups(accounts: readonly string[], roomPrefix: string, now: Date): Promise<void> {
    await query(
      this.em,
      `insert into chat_group_account (room_id, bot_account, seen_at)
       select cg.room_id, a, ? from chat_group cg cross join unnest(?::text[]) a where cg.room_id like ? on conflict (room_id, bot_account) do nothing`,
      [now, `{${accounts.map((a) => JSON.stringify(a)).join(',')}}`, `${roomPrefix}%`],
    );
  }

  /**
   * The group's listener (the account that acts on its messages) becomes `account` when the
   * current one cannot serve now (offline, retired, lease run out). Returns the listener after.
   */
  async takeOverListening(roomId: string, account: string, now: Date): Promise<string | null> {
    await query(
      this.em,
      `update chat_group cg set bot_account = ? where cg.room_id = ? and cg.bot_account <> ?
          and not exists (select 1 from bot_account a where a.name = cg.bot_account and a.retired_at is null and a.state in ('online', 'rate_limited') and a.lease_until > ?)`,
      [account, roomId, account, now],
    );
    const [row] = await query<{ bot_account: string }>(this.em, `select bot_account from chat_group where room_id = ?`, [roomId]);
    return row?.bot_account ?? null;
  }
}
