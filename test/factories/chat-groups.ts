import { Client } from 'pg';

/** Runs `fn` with a PostgreSQL client on `databaseUrl`, closed afterwards. */
async function withPg<T>(databaseUrl: string, fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** Rows of one SQL statement against a test database (for setup and assertions the API does not expose). */
export const rowsOf = <T extends object>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> =>
  withPg(databaseUrl, async (db) => (await db.query(sql, params)).rows as T[]);

/** The codes `XHG-B03-C07-M01` … `-M14`: the demo city's largest community's micro-grids. */
export const C07_MICRO_GRIDS = Array.from({ length: 14 }, (_, i) => `XHG-B03-C07-M${String(i + 1).padStart(2, '0')}`);

/** Which grids get a group: listed `codes`, or every grid `under` a code (itself included) but `skip`. */
export type GroupTargets = { codes: readonly string[] } | { under: string; skip?: readonly string[] };

/**
 * The one group factory: gives grids a bound WeChat group, as `#绑定群` would (one chat_group
 * row each, room `room-<code>@chatroom`, topic `<name>群`), so the bot's messages for those grids
 * land in the outbox, with the account sitting in each group. A room already there is left as it is. Returns how many were bound.
 */
export function bindGroups(databaseUrl: string, targets: GroupTargets, botAccount = 'bot-test'): Promise<number> {
  const codes = 'codes' in targets ? targets.codes : [];
  const under = 'under' in targets ? targets.under : null;
  const skip = 'skip' in targets ? (targets.skip ?? []) : [];
  return withPg(databaseUrl, async (db) => {
    const res = await db.query(
      `insert into chat_group (room_id, topic, grid_id, bot_account, bound_at, created_at)
       select 'room-' || lower(g.code) || '@chatroom', g.name || '群', g.id, $4, now(), now()
         from grid g
        where (g.code = any($1::text[]) or g.code = $2 or g.code like $2 || '-%') and not (g.code = any($3::text[]))
       on conflict do nothing`,
      [[...codes], under, [...skip], botAccount],
    );
    // The account sits in the groups it serves: the outbox routes a group's messages to its accounts.
    await db.query(
      `insert into chat_group_account (room_id, bot_account, seen_at)
       select cg.room_id, cg.bot_account, now() from chat_group cg join grid g on g.id = cg.grid_id
        where (g.code = any($1::text[]) or g.code = $2 or g.code like $2 || '-%') and not (g.code = any($3::text[])) and cg.bot_account = $4
       on conflict do nothing`,
      [[...codes], under, [...skip], botAccount],
    );
    return res.rowCount ?? 0;
  });
}

export interface OutboxRow {
  grid: string;
  text: string;
  kind: string;
  mentions: number[];
  mentionRoles: string[];
  dedupeKey: string;
}

/** The outbox rows about one code (an incident, instruction or clearance round), oldest first. */
export async function outboxFor(databaseUrl: string, ref: string): Promise<OutboxRow[]> {
  const rows = await rowsOf<{ grid: string; text: string; kind: string; mentions: number[]; mention_roles: string[]; dedupe_key: string }>(
    databaseUrl,
    `select g.code as grid, o.text, o.kind, o.mention_member_ids as mentions, o.mention_roles, o.dedupe_key from outbox_message o join grid g on g.id = o.grid_id where o.ref = $1 order by o.id`,
    [ref],
  );
  return rows.map((r) => ({ grid: r.grid, text: r.text, kind: r.kind, mentions: r.mentions, mentionRoles: r.mention_roles, dedupeKey: r.dedupe_key }));
}
