import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClearancePeriod, RoundTimes } from '../domain/clearance-periods.js';
import type { SlotStatus } from '../domain/clearance-record.js';
import type { GridPeriodSummary } from '../domain/clearance-record.js';
import type { GridLevel } from '../domain/grid-levels.js';
import { OPEN_STATES } from '../domain/incident-transitions.js';
import { query } from './sql.js';

/** A round as stored. */
export interface RoundRow {
  id: number;
  period: ClearancePeriod;
  key: string;
  code: string;
  startsAt: Date;
  endsAt: Date;
  rollCallAt: Date;
  remindAt: Date;
  deadlineAt: Date;
  openedAt: Date;
  rollCallSentAt: Date | null;
  remindedAt: Date | null;
  closedAt: Date | null;
}

export interface ProgressCounts {
  targets: number;
  confirmed: number;
  zeroReports: number;
  missed: number;
  late: number;
  pending: number;
  flagged: number;
}

export interface ChildProgress extends ProgressCounts {
  gridId: number;
  code: string;
  name: string;
  level: GridLevel;
}

export interface SlotRow {
  id: number;
  gridId: number;
  code: string;
  name: string;
  path: string;
  status: SlotStatus;
  zeroReport: boolean;
  late: boolean;
  note: string | null;
  flaggedCodes: string[];
  confirmedAt: Date | null;
  missedAt: Date | null;
}

/** A grid due a message, with its chiefs to @-mention. */
export interface GridWithChiefs {
  gridId: number;
  code: string;
  name: string;
  chiefIds: number[];
}

export type RoundStamp = 'roll_call_sent_at' | 'reminded_at' | 'closed_at';

const ROUND_COLUMNS = `id, period, period_key as key, code, starts_at as "startsAt", ends_at as "endsAt", roll_call_at as "rollCallAt", remind_at as "remindAt",
  deadline_at as "deadlineAt", opened_at as "openedAt", roll_call_sent_at as "rollCallSentAt", reminded_at as "remindedAt", closed_at as "closedAt"`;

const COUNTS = `count(*)::int as targets,
  count(*) filter (where s.status = 'confirmed')::int as confirmed,
  count(*) filter (where s.status = 'confirmed' and s.zero_report)::int as "zeroReports",
  count(*) filter (where s.status = 'missed')::int as missed,
  count(*) filter (where s.late)::int as late,
  count(*) filter (where s.status = 'pending')::int as pending,
  count(*) filter (where jsonb_array_length(s.flagged_codes) > 0)::int as flagged`;

const SLOT_COLUMNS = `s.id, s.grid_id as "gridId", g.code, g.name, s.path::text as path, s.status, s.zero_report as "zeroReport", s.late, s.note,
  s.flagged_codes as "flaggedCodes", s.confirmed_at as "confirmedAt", s.missed_at as "missedAt"`;

/** Raw rows carry timestamps as text (the ORM's pg type parser): turn the named ones into Dates. */
function withDates<T extends object>(row: T, keys: readonly string[]): T {
  const out = { ...row } as Record<string, unknown>;
  for (const k of keys) if (out[k] != null) out[k] = new Date(out[k] as string);
  return out as T;
}
const ROUND_DATES = ['startsAt', 'endsAt', 'rollCallAt', 'remindAt', 'deadlineAt', 'openedAt', 'rollCallSentAt', 'remindedAt', 'closedAt'];
const SLOT_DATES = ['confirmedAt', 'missedAt'];
const rounds = (rows: RoundRow[]) => rows.map((r) => withDates(r, ROUND_DATES));
const slots = <T extends SlotRow>(rows: T[], extra: readonly string[] = []) => rows.map((r) => withDates(r, [...SLOT_DATES, ...extra]));

const OPEN = OPEN_STATES.map(() => '?').join(', ');

/** Clearance rounds and slots: set-based SQL, subtree filters through ltree. */
export class ClearanceRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Opens the round of `t` with one pending slot per grid at `levels`, in one INSERT … SELECT.
   * The round's unique (period, key) is the final guard: a second opener gets `created: false`.
   * Run it inside a transaction so a round never exists without its slots.
   */
  async open(t: RoundTimes, levels: readonly GridLevel[], now: Date): Promise<{ round: RoundRow; created: boolean; targets: number }> {
    const [inserted] = rounds(await query<RoundRow>(
      this.em,
      `insert into clearance_round (period, period_key, code, starts_at, ends_at, roll_call_at, remind_at, deadline_at, levels, opened_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
       on conflict (period, period_key) do nothing returning ${ROUND_COLUMNS}`,
      [t.period, t.key, t.code, t.start, t.end, t.rollCallAt, t.remindAt, t.deadlineAt, JSON.stringify(levels), now],
    ));
    if (!inserted) return { round: (await this.find(t.period, t.key))!, created: false, targets: 0 };
    const [slots] = await query<{ n: number }>(
      this.em,
      `with ins as (
         insert into clearance_slot (round_id, grid_id, path) select ?, g.id, g.path from grid g where g.level in (${levels.map(() => '?').join(', ')})
         on conflict (round_id, grid_id) do nothing returning 1)
       select count(*)::int as n from ins`,
      [inserted.id, ...levels],
    );
    return { round: inserted, created: true, targets: slots!.n };
  }

  async find(period: ClearancePeriod, key: string): Promise<RoundRow | null> {
    const [row] = rounds(await query<RoundRow>(this.em, `select ${ROUND_COLUMNS} from clearance_round where period = ? and period_key = ?`, [period, key]));
    return row ?? null;
  }

  /** The key of the latest round of a period ever opened (keys sort in time order). */
  async latestKey(period: ClearancePeriod): Promise<string | null> {
    const [row] = await query<{ key: string | null }>(this.em, `select max(period_key) as key from clearance_round where period = ?`, [period]);
    return row?.key ?? null;
  }

  /** Rounds whose silent grids have not been marked missed yet, oldest deadline first. */
  async unclosed(): Promise<RoundRow[]> {
    return rounds(await query<RoundRow>(this.em, `select ${ROUND_COLUMNS} from clearance_round where closed_at is null order by deadline_at, id`));
  }

  /** Sets a once-only stamp; true for the one caller that set it (the guard across instances). */
  async claim(roundId: number, stamp: RoundStamp, now: Date): Promise<boolean> {
    const rows = await query<{ id: number }>(this.em, `update clearance_round set ${stamp} = ? where id = ? and ${stamp} is null returning id`, [now, roundId]);
    return rows.length === 1;
  }

  /**
   * Each still-pending grid of a round that has a bound group, with its own summary of [from, now): reported, handled
   * (handled on the spot or closed), still open and overdue with codes. One statement.
   */
  async pendingSummaries(roundId: number, from: Date, now: Date): Promise<Array<{ gridId: number; code: string; name: string } & GridPeriodSummary>> {
    return query<{ gridId: number; code: string; name: string; reported: number; handled: number; open: number; overdueCodes: string[] }>(
      this.em,
      `select g.id as "gridId", g.code, g.name,
              count(i.id) filter (where i.created_at >= ?)::int as reported,
              count(i.id) filter (where i.status in ('handled', 'closed') and i.closed_at >= ?)::int as handled,
              count(i.id) filter (where i.status in (${OPEN}))::int as open,
              coalesce(array_agg(i.code order by i.deadline_at) filter (where i.status in (${OPEN}) and i.deadline_at < ?), '{}') as "overdueCodes"
         from clearance_slot s
         join grid g on g.id = s.grid_id
         left join incident i on i.path <@ s.path and (i.created_at >= ? or i.closed_at >= ? or i.status in (${OPEN}))
        where s.round_id = ? and s.status = 'pending' and exists (select 1 from chat_group cg where cg.grid_id = s.grid_id)
        group by g.id, g.code, g.name
        order by g.code`,
      [from, from, ...OPEN_STATES, ...OPEN_STATES, now, from, from, ...OPEN_STATES, roundId],
    );
  }

  /** Still-pending grids of a round with their chiefs. */
  async silent(roundId: number): Promise<GridWithChiefs[]> {
    return query<GridWithChiefs>(
      this.em,
      `select g.id as "gridId", g.code, g.name, coalesce(array_agg(m.id order by m.id) filter (where m.id is not null), '{}') as "chiefIds"
         from clearance_slot s join grid g on g.id = s.grid_id
         left join member m on m.grid_id = g.id and m.role = 'chief'
        where s.round_id = ? and s.status = 'pending'
        group by g.id, g.code, g.name order by g.code`,
      [roundId],
    );
  }

  /** Marks every pending slot missed; returns them grouped under their parent grid (with its chiefs). */
  async markMissed(roundId: number, now: Date): Promise<Array<GridWithChiefs & { missed: string[] }>> {
    return query<GridWithChiefs & { missed: string[] }>(
      this.em,
      `with missed as (
         update clearance_slot s set status = 'missed', missed_at = ? where s.round_id = ? and s.status = 'pending' returning s.grid_id)
       select p.id as "gridId", p.code, p.name, array_agg(distinct g.code order by g.code) as missed,
              coalesce((select array_agg(m.id order by m.id) from member m where m.grid_id = p.id and m.role = 'chief'), '{}') as "chiefIds"
         from missed x join grid g on g.id = x.grid_id join grid p on p.id = g.parent_id
        group by p.id, p.code, p.name order by p.code`,
      [now, roundId],
    );
  }

  /** The slot of a grid in a round, locked for the caller's transaction. */
  async slotForUpdate(roundId: number, gridId: number): Promise<SlotRow | null> {
    const [row] = slots(await query<SlotRow>(this.em, `select ${SLOT_COLUMNS} from clearance_slot s join grid g on g.id = s.grid_id where s.round_id = ? and s.grid_id = ? for update of s`, [roundId, gridId]));
    return row ?? null;
  }

  /** The slot of a grid in a round (read only), or null when the grid is not asked. */
  async slotOf(roundId: number, gridId: number): Promise<SlotRow | null> {
    const [row] = slots(await query<SlotRow>(this.em, `select ${SLOT_COLUMNS} from clearance_slot s join grid g on g.id = s.grid_id where s.round_id = ? and s.grid_id = ?`, [roundId, gridId]));
    return row ?? null;
  }

  async confirm(slotId: number, a: { zeroReport: boolean; late: boolean; note: string | null; flaggedCodes: readonly string[]; at: Date; memberId: number | null; role: string; source: string }): Promise<void> {
    await query(
      this.em,
      `update clearance_slot set status = 'confirmed', zero_report = ?, late = ?, note = ?, flagged_codes = ?::jsonb, confirmed_at = ?, confirmed_by_member_id = ?, actor_role = ?, source = ? where id = ?`,
      [a.zeroReport, a.late, a.note, JSON.stringify(a.flaggedCodes), a.at, a.memberId, a.role, a.source, slotId],
    );
  }

  /** Codes of open incidents under `path` past their deadline at `now`, most overdue first. */
  async overdueCodes(path: string, now: Date): Promise<string[]> {
    const rows = await query<{ code: string }>(this.em, `select code from incident where path <@ ?::ltree and status in (${OPEN}) and deadline_at < ? order by deadline_at, id limit 50`, [path, ...OPEN_STATES, now]);
    return rows.map((r) => r.code);
  }

  /** Counts of a round's slots under `scopePath` ('' the whole tree). */
  async progress(roundId: number, scopePath: string): Promise<ProgressCounts> {
    const [row] = await query<ProgressCounts>(this.em, `select ${COUNTS} from clearance_slot s where s.round_id = ?${scopePath ? ' and s.path <@ ?::ltree' : ''}`, scopePath ? [roundId, scopePath] : [roundId]);
    return row!;
  }

  /** Counts per child grid of the scope (the root grids for ''), for the breakdown. */
  async childProgress(roundId: number, scopePath: string): Promise<ChildProgress[]> {
    const depth = scopePath ? scopePath.split('.').length : 0;
    return query<ChildProgress>(
      this.em,
      `select c.id as "gridId", c.code, c.name, c.level, ${COUNTS}
         from clearance_slot s join grid c on c.id = subpath(s.path, ?, 1)::text::int
        where s.round_id = ? and nlevel(s.path) > ?${scopePath ? ' and s.path <@ ?::ltree' : ''}
        group by c.id, c.code, c.name, c.level order by c.code`,
      scopePath ? [depth, roundId, depth, scopePath] : [depth, roundId, depth],
    );
  }

  /** Slots of a round under `scopePath`, optionally of one status, ordered by grid code. */
  async slots(roundId: number, scopePath: string, status: SlotStatus | null, first: number, afterCode: string | null): Promise<SlotRow[]> {
    const params: unknown[] = [roundId];
    let where = 's.round_id = ?';
    if (scopePath) {
      where += ' and s.path <@ ?::ltree';
      params.push(scopePath);
    }
    if (status) {
      where += ' and s.status = ?';
      params.push(status);
    }
    if (afterCode) {
      where += ' and g.code > ?';
      params.push(afterCode);
    }
    return slots(await query<SlotRow>(this.em, `select ${SLOT_COLUMNS} from clearance_slot s join grid g on g.id = s.grid_id where ${where} order by g.code limit ?`, [...params, first]));
  }

  /** A grid's slots in the latest `last` rounds of a period, oldest first, with each round's deadline. */
  async history(gridId: number, period: ClearancePeriod, last: number): Promise<Array<SlotRow & { roundCode: string; firstDay: Date; deadlineAt: Date }>> {
    const rows = await query<SlotRow & { roundCode: string; firstDay: Date; deadlineAt: Date }>(
      this.em,
      `select * from (
         select ${SLOT_COLUMNS}, r.code as "roundCode", r.starts_at as "firstDay", r.deadline_at as "deadlineAt"
           from clearance_slot s join clearance_round r on r.id = s.round_id join grid g on g.id = s.grid_id
          where s.grid_id = ? and r.period = ? order by r.period_key desc limit ?) h
       order by "firstDay"`,
      [gridId, period, last],
    );
    return slots(rows, ['firstDay', 'deadlineAt']);
  }
}
