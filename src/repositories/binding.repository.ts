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
   * yet expired at `now`). True when the code is now the member's. Records who issued it.
   */
  async claimBindCode(code: string, memberId: number, expiresAt: Date, now: Date, issuer: { memberId: number | null; tokenId: number | null }): Promise<boolean> {
    const inserted = await query<{ code: string }>(
      this.em,
      `insert into bind_code (code, member_id, expires_at, created_at, issued_by_member_id, issued_by_token_id) values (?, ?, ?, ?, ?, ?)
       on conflict (code) do update set member_id = excluded.member_id, expires_at = excluded.expires_at, used_at = null, created_at = excluded.created_at,
           issued_by_member_id = excluded.issued_by_member_id, issued_by_token_id = excluded.issued_by_token_id,
           pending_contact_id = null, pending_contact_name = null, pending_room_id = null, pending_bot_account = null, pending_at = null
         where bind_code.used_at is not null or bind_code.expires_at < excluded.created_at
       returning code`,
      [code, memberId, expiresAt, now, issuer.memberId, issuer.tokenId],
    );
    return inserted.length > 0;
  }

  /** Members who issued live (unused, unexpired) codes for members of grids under `path`. */
  async liveIssuersUnder(path: string, now: Date): Promise<number[]> {
    const rows = await query<{ id: number }>(
      this.em,
      `select distinct b.issued_by_member_id as id from bind_code b join member m on m.id = b.member_id join grid g on g.id = m.grid_id
        where b.used_at is null and b.expires_at > ? and b.issued_by_member_id is not null and g.path <@ ?::ltree`,
      [now, path],
    );
    return rows.map((r) => r.id);
  }

  /** Codes of members under `path` waiting for their issuer's confirmation; `issuer` narrows to one issuer's (null: all, for the operator). */
  async pending(path: string, issuer: { memberId: number | null; tokenId: number | null } | null, now: Date): Promise<Array<{ code: string }>> {
    return query<{ code: string }>(
      this.em,
      `select b.code from bind_code b join member m on m.id = b.member_id join grid g on g.id = m.grid_id
        where b.pending_contact_id is not null and b.used_at is null and b.expires_at > ? and g.path <@ ?::ltree
          and (?::boolean or b.issued_by_member_id = ? or b.issued_by_token_id = ?)
        order by b.pending_at`,
      [now, path, issuer === null, issuer?.memberId ?? -1, issuer?.tokenId ?? -1],
    );
  }

  /** Lock alerts for groups of grids under `path` (the operator, path '', also sees unbound groups'), newest first. */
  async alerts(path: string, first: number): Promise<Array<{ id: number }>> {
    return query<{ id: number }>(
      this.em,
      `select a.id from bind_alert a left join grid g on g.id = a.grid_id
        where (g.path <@ ?::ltree or (a.grid_id is null and ? = ''))
        order by a.at desc, a.id desc limit ?`,
      [path, path, first],
    );
  }
}
