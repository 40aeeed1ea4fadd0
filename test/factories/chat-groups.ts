import type { Hub } from '../../src/app';
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
