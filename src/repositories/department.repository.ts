import type { EntityManager } from '@mikro-orm/postgresql';
import { OPEN_PART_STATES } from '../domain/joint-handling.js';
import { query, valuesList } from './sql.js';

const marks = (xs: readonly unknown[]): string => xs.map(() => '?').join(', ');

/** Where a department is reached: its bound group, else its members' WeChat contacts directly. */
export interface DepartmentChannel {
  /** The department's bound group (room id and the account serving it), or null. */
  group: { roomId: string; botAccount: string } | null;
  /** The bot account nearest the department's grid, for direct messages. */
  botAccount: string | null;
}

/** Overdue department work whose lapse has not reached the department's head yet. */
export interface DueDepartmentWork {
  incident_id: number;
  code: string;
  /** The incident's state (dispatched or in progress). */
  status: string;
  category: string;
  path: string;
  department_id: number;
  department: string;
  /** The lapsed deadline as PostgreSQL's text, passed back unchanged as the lapse's key. */
  deadline_at: string;
  /** A co-department's part (true) or the lead's work (false). */
  part: boolean;
  head_id: number;
  head: string;
  head_contact: string | null;
}

/** Departments' parts of incidents, their channels, their overdue work, and verdicts' contacts. */
export class DepartmentRepository {
  constructor(private readonly em: EntityManager) {}

  /** How to reach department `departmentId` through the bot. */
  async channel(departmentId: number): Promise<DepartmentChannel> {
    const [row] = await query<{ room_id: string | null; group_account: string | null; near_account: string | null }>(
      this.em,
      `select cg.room_id, cg.bot_account as group_account,
              (select c.bot_account from chat_group c left join grid g on g.id = c.grid_id
                order by (g.path @> dg.path) desc nulls last, nlevel(g.path) desc nulls last, c.id limit 1) as near_account
         from department d join grid dg on dg.id = d.grid_id
         left join chat_group cg on cg.department_id = d.id
        where d.id = ?`,
      [departmentId],
    );
    return { group: row?.room_id ? { roomId: row.room_id, botAccount: row.group_account! } : null, botAccount: row?.group_account ?? row?.near_account ?? null };
  }

  /** Ids of a department's members (whom a notice in its group @-mentions). */
  async memberIds(departmentId: number): Promise<number[]> {
    const rows = await query<{ id: number }>(this.em, `select id from member where department_id = ? order by id`, [departmentId]);
    return rows.map((r) => r.id);
  }

  /**
   * Department work past its deadline, not yet escalated to the head, of departments that have
   * a head: the lead's (the incident dispatched or in progress) and co-departments' open parts.
   */
  dueWork(now: Date, limit: number): Promise<DueDepartmentWork[]> {
    return query<DueDepartmentWork>(
      this.em,
      `with work as (
         select i.id as incident_id, i.department_id, i.deadline_at, false as part
           from incident i
          where i.status in ('dispatched', 'in_progress') and i.department_id is not null and i.deadline_at < ?
         union all
         select p.incident_id, p.department_id, p.deadline_at, true
           from incident_department p join incident i on i.id = p.incident_id
          where p.status in (${marks(OPEN_PART_STATES)}) and i.status in ('dispatched', 'in_progress') and p.deadline_at < ?
       )
       select w.incident_id, i.code, i.status, i.category, i.path::text as path, d.id as department_id, d.name as department,
              w.deadline_at, w.part, h.id as head_id, h.name as head, mc.contact_id as head_contact
         from work w
         join incident i on i.id = w.incident_id
         join department d on d.id = w.department_id
         join member h on h.id = d.head_member_id
         left join member_contact mc on mc.member_id = h.id
        where not exists (select 1 from department_escalation e
                           where e.incident_id = w.incident_id and e.department_id = w.department_id and e.lapsed_deadline = w.deadline_at)
        order by w.deadline_at, w.incident_id
        limit ?`,
      [now, ...OPEN_PART_STATES, now, limit],
    );
  }

  /**
   * Records lapses reaching the head and their `escalate_head` timeline entries in one
   * statement: a lapse another instance recorded first is skipped and gets no entry. Returns
   * the recorded (incident, department) pairs.
   */
  record(lapses: ReadonlyArray<{ incidentId: number; departmentId: number; lapsedDeadline: string; headId: number; note: string }>, now: Date): Promise<Array<{ incident_id: number; department_id: number }>> {
    if (!lapses.length) return Promise.resolve([]);
    const input = valuesList(lapses.map((l) => [l.incidentId, l.departmentId, l.lapsedDeadline, l.headId, l.note]), ['int', 'int', 'timestamptz', 'int', 'text']);
    return query(
      this.em,
      `with input (incident_id, department_id, lapsed_deadline, head_id, note) as (${input.sql}),
       told as (
         insert into department_escalation (incident_id, department_id, lapsed_deadline, head_member_id, at)
         select incident_id, department_id, lapsed_deadline, head_id, ? from input
         on conflict (incident_id, department_id, lapsed_deadline) do nothing
         returning incident_id, department_id
       ), timeline as (
         insert into incident_event (incident_id, event, from_state, to_state, actor_role, note, photos, at)
         select i.id, 'escalate_head', i.status, i.status, 'system', input.note, '[]'::jsonb, ?
           from told t join input on input.incident_id = t.incident_id and input.department_id = t.department_id
           join incident i on i.id = t.incident_id
       )
       select incident_id, department_id from told`,
      [...input.params, now, now],
    );
  }

  /**
   * The WeChat contact who reported incident `incidentId` in a group (an unbound resident's
   * report is stored with the message that made it), with the group and the account serving it.
   */
  async reportingContact(incidentId: number): Promise<{ contactId: string; name: string; roomId: string; botAccount: string } | null> {
    const [row] = await query<{ sender_id: string; sender_name: string; room_id: string; bot_account: string }>(
      this.em,
      `select m.sender_id, m.sender_name, m.room_id, coalesce(cg.bot_account, m.bot_account) as bot_account
         from inbound_message m left join chat_group cg on cg.room_id = m.room_id
        where m.reported_incident_id = ? order by m.id limit 1`,
      [incidentId],
    );
    return row ? { contactId: row.sender_id, name: row.sender_name, roomId: row.room_id, botAccount: row.bot_account } : null;
  }

  /** The newest incident this contact reported as a resident that awaits its verdict (verified), or null. */
  async awaitingVerdict(contactId: string): Promise<string | null> {
    const [row] = await query<{ code: string }>(
      this.em,
      `select i.code from incident i join inbound_message m on m.reported_incident_id = i.id
        where i.status = 'verified' and i.reporter_id is null and m.sender_id = ?
        order by i.updated_at desc, i.id desc limit 1`,
      [contactId],
    );
    return row?.code ?? null;
  }
}
