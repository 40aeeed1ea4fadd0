import type { EntityManager } from '@mikro-orm/postgresql';
import type { Table } from '../infra/spreadsheet.js';
import { query } from './sql.js';

/** What `gridhub export` and GET /export/<what> give. */
export const EXPORT_KINDS = ['incidents', 'receipts', 'clearance'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const isExportKind = (value: string): value is ExportKind => (EXPORT_KINDS as readonly string[]).includes(value);

/**
 * One statement per kind: the columns (snake_case, stable: spreadsheets and scripts read them by
 * name) and the rows of a period [from, to) inside the subtree `path`. Incidents by their report
 * time, receipts by their instruction's issue time, clearance slots by their round's start.
 */
const SQL: Record<ExportKind, string> = {
  incidents: `select i.code, g.code as grid, g.name as grid_name, i.category, i.urgent, i.status, i.description, i.location,
                     i.dispute_colour, d.name as department, r.name as reporter, i.created_at, i.deadline_at, i.closed_at, i.satisfied
                from incident i join grid g on g.id = i.grid_id left join department d on d.id = i.department_id left join member r on r.id = i.reporter_id
               where i.path <@ ?::ltree and i.created_at >= ? and i.created_at < ? order by i.created_at, i.id`,
  receipts: `select n.code as instruction, n.grade, n.title, n.issued_at, g.code as grid, g.name as grid_name, rc.level,
                    rc.acknowledged_at, rc.ack_name, rc.ack_role, rc.reported_at, rc.result_name, rc.result_role, rc.result_text,
                    rc.ack_overdue_at, rc.result_overdue_at
               from instruction_receipt rc join instruction n on n.id = rc.instruction_id join grid g on g.id = rc.grid_id
              where rc.path <@ ?::ltree and n.issued_at >= ? and n.issued_at < ? order by n.issued_at, n.id, g.code`,
  clearance: `select r.code as round, r.period, r.period_key, r.starts_at, r.deadline_at, g.code as grid, g.name as grid_name, s.status,
                     s.zero_report, s.late, s.note, s.flagged_codes, s.confirmed_at, s.actor_role, s.source, s.missed_at
                from clearance_slot s join clearance_round r on r.id = s.round_id join grid g on g.id = s.grid_id
               where s.path <@ ?::ltree and r.starts_at >= ? and r.starts_at < ? order by r.starts_at, r.id, g.code`,
};

const cell = (v: unknown): string | number | boolean | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return Array.isArray(v) ? v.join(' ') : JSON.stringify(v);
};

export class ExportRepository {
  constructor(private readonly em: EntityManager) {}

  /** The table of `kind` for the subtree at `path` ('' = the whole tree) and the period [from, to). */
  async table(kind: ExportKind, path: string, from: Date, to: Date): Promise<Table> {
    // Every path lies under the empty ltree '', the operator's scope.
    const rows = await query<Record<string, unknown>>(this.em, SQL[kind], [path, from, to]);
    const columns = rows.length ? Object.keys(rows[0]!) : columnsOf(SQL[kind]);
    return { columns, rows: rows.map((r) => columns.map((c) => cell(r[c]))) };
  }
}

/** The column names of a select (for an empty result), read from its `as` aliases and bare columns. */
function columnsOf(sql: string): string[] {
  const list = sql.slice(sql.indexOf('select') + 6, sql.search(/\sfrom\s/));
  return list.split(',').map((part) => {
    const p = part.trim();
    const as = / as (\w+)$/.exec(p);
    return as ? as[1]! : p.slice(p.indexOf('.') + 1);
  });
}
