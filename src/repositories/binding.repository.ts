import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from './sql.js';

/** Statements on chat groups and bind codes that the entity manager cannot say in one round trip. */
export class BindingRepository {
  constructor(private readonly em: EntityManager) {}

  /** Records a group the bot is in, unbound; a group already recorded is left as it is. */
  async insertGroupIfAbsent(roomId: string, topic: string | null, botAccount: string, now: Date): Promise<void> {
    await query(this.em, `insert into chat_group (room_id, topic, bot_account, created_at) values (?, ?, ?, ?) on conflict (room_id) do nothing`, [roomId, topic, botAccount, now]);
  }

  /**
   * Gives `code` to a member until `expiresAt`, unless a live code holds it (an unused one not
   * yet expired at `now`). True when the code is now the member's.
   */
  async claimBindCode(code: string, memberId: number, expiresAt: Date, now: Date): Promise<boolean> {
    const inserted = await query<{ code: string }>(
      this.em,
      `insert into bind_code (code, member_id, expires_at, created_at) values (?, ?, ?, ?)
       on conflict (code) do update set member_id = excluded.member_id, expires_at = excluded.expires_at, used_at = null, created_at = excluded.created_at
         where bind_code.used_at is not null or bind_code.expires_at < excluded.created_at
       returning code`,
      [code, memberId, expiresAt, now],
    );
    return inserted.length > 0;
  }
}
