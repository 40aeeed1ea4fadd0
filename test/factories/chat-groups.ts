import { Client } from 'pg';
import type { Hub } from '../../src/main';
import { query } from '../../src/repositories/sql';

/**
 * Gives grids a bound WeChat group (one `chat_group` row each, room `<code>@chatroom`), as
 * `#绑定群` would: the bot's messages for those grids then land in the outbox.
 */
export async function bindGroups(hub: Hub, codes: readonly string[], botAccount = 'bot-test'): Promise<number> {
  const rows = await query<{ id: number }>(
    hub.deps.orm.em.fork(),
    `insert into chat_group (room_id, topic, grid_id, bot_account, bound_at, created_at)
     select g.code || '@chatroom', g.name, g.id, ?, now(), now() from grid g where g.code = any(?::text[]) returning id`,
    [botAccount, `{${codes.join(',')}}`],
  );
  return rows.length;
}

/** The codes `XHG-B03-C07-M01` … `-M14`: the demo city's largest community's micro-grids. */
export const C07_MICRO_GRIDS = Array.from({ length: 14 }, (_, i) => `XHG-B03-C07-M${String(i + 1).padStart(2, '0')}`);

/**
 * Gives grids a bound WeChat group, as `#绑定群` would: one chat_group row per grid under
 * `under` (by code prefix), except `skip`. Room ids look like real ones (`…@chatroom`).
 */
export async function bindGroupsUnder(databaseUrl: string, under: string, opts: { skip?: readonly string[]; botAccount?: string } = {}): Promise<number> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const res = await db.query(
      `insert into chat_group (room_id, topic, grid_id, bot_account, bound_at)
       select 'room-' || lower(g.code) || '@chatroom', g.name || '群', g.id, $3, now()
         from grid g where (g.code = $1 or g.code like $1 || '-%') and not (g.code = any($2::text[]))
       on conflict do nothing`,
      [under, [...(opts.skip ?? [])], opts.botAccount ?? 'bot-1'],
    );
    return res.rowCount ?? 0;
  } finally {
    await db.end();
  }
}

/** The outbox rows about one code, for assertions. */
export async function outboxFor(databaseUrl: string, ref: string): Promise<Array<{ grid: string; text: string; kind: string; mentions: number[]; mentionRoles: string[]; dedupeKey: string }>> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const res = await db.query<{ grid: string; text: string; kind: string; mentions: number[]; mention_roles: string[]; dedupe_key: string }>(
      `select g.code as grid, o.text, o.kind, o.mention_member_ids as mentions, o.mention_roles, o.dedupe_key from outbox_message o join grid g on g.id = o.grid_id where o.ref = $1 order by o.id`,
      [ref],
    );
    return res.rows.map((r) => ({ grid: r.grid, text: r.text, kind: r.kind, mentions: r.mentions, mentionRoles: r.mention_roles, dedupeKey: r.dedupe_key }));
  } finally {
    await db.end();
  }
}
