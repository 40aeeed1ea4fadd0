import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO_MEMBER_CONTACT, DEMO_ROOM } from '../domain/demo-ids.js';
import { query } from './sql.js';

/** A grid as the demo world needs it. */
export interface DemoGrid {
  id: number;
  code: string;
  name: string;
  path: string;
}

/** A member as the demo world needs it. */
export interface DemoMember {
  id: number;
  name: string;
  role: string;
  gridId: number;
}

/**
 * The demo world's rows: a mock group bound to every grid (`DEMO_ROOM`) and a mock
 * contact bound to every member (`DEMO_MEMBER_CONTACT`), and their removal when a real puppet takes over.
 */
export class DemoRepository {
  constructor(private readonly em: EntityManager) {}

  /** Binds a mock group of `botAccount` (topic: the grid's name + `topicSuffix`) to every grid without a group. Idempotent. */
  async bindMockGroups(botAccount: string, topicSuffix: string, now: Date): Promise<void> {
    await query(
      this.em,
      `insert into chat_group (room_id, topic, grid_id, bot_account, bound_at, created_at)
      select ?::text || g.code || ?::text, left(g.name || ?, 128), g.id, ?, ?, ? from grid g
      where not exists (select 1 from chat_group c where c.grid_id = g.id) on conflict (room_id) do nothing`,
      [DEMO_ROOM.prefix, DEMO_ROOM.suffix, topicSuffix, botAccount, now, now],
    );
  }

  /** Binds a mock contact to every member without a contact. Idempotent. */
  async bindMockContacts(now: Date): Promise<void> {
    await query(
      this.em,
      `insert into member_contact (member_id, contact_id, contact_name, bound_at)
      select m.id, ?::text || m.id, m.name, ? from member m
      where not exists (select 1 from member_contact c where c.member_id = m.id) on conflict (contact_id) do nothing`,
      [DEMO_MEMBER_CONTACT.prefix, now],
    );
  }

  /** Every grid, in tree order. */
  grids(): Promise<DemoGrid[]> {
    return query<DemoGrid>(this.em, `select id, code, name, path::text as path from grid order by path`);
  }

  async grid(code: string): Promise<DemoGrid | null> {
    const [grid] = await query<DemoGrid>(this.em, `select id, code, name, path::text as path from grid where code = ?`, [code]);
    return grid ?? null;
  }

  /** The account that takes the messages of a grid's group (chat_group.bot_account), if it has one. */
  async listeningAccount(gridId: number): Promise<string | null> {
    const [row] = await query<{ bot_account: string }>(this.em, `select bot_account from chat_group where grid_id = ? order by bound_at nulls last limit 1`, [gridId]);
    return row?.bot_account ?? null;
  }

  /** Every member, oldest first. */
  async members(): Promise<DemoMember[]> {
    const rows = await query<{ id: number; name: string; role: string; grid_id: number }>(this.em, `select id, name, role, grid_id from member order by id`);
    return rows.map(toMember);
  }

  /** The member of the grid at `path` with that role (or name), else of the nearest grid above it. */
  async nearestMember(path: string, by: { role: string } | { name: string }): Promise<DemoMember | null> {
    const [m] = await query<{ id: number; name: string; role: string; grid_id: number }>(
      this.em,
      `select m.id, m.name, m.role, m.grid_id from member m join grid g on g.id = m.grid_id
       where g.path @> ?::ltree and ${'role' in by ? 'm.role = ?' : 'm.name = ?'} order by g.depth desc, m.id limit 1`,
      [path, 'role' in by ? by.role : by.name],
    );
    return m ? toMember(m) : null;
  }

  /** Removes the mock groups of `botAccount` and every mock contact; returns how many of each. */
  async removeMockBindings(botAccount: string): Promise<{ groups: number; contacts: number }> {
    const groups = await query<{ id: number }>(this.em, `delete from chat_group where bot_account = ? and room_id like ? returning id`, [botAccount, DEMO_ROOM.like]);
    await query(this.em, `delete from chat_group_account where room_id like ?`, [DEMO_ROOM.like]);
    const contacts = await query<{ id: number }>(this.em, `delete from member_contact where contact_id like ? returning id`, [DEMO_MEMBER_CONTACT.like]);
    return { groups: groups.length, contacts: contacts.length };
  }
}

const toMember = (r: { id: number; name: string; role: string; grid_id: number }): DemoMember => ({ id: r.id, name: r.name, role: r.role, gridId: r.grid_id });
