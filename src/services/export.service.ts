import { DateTime } from 'luxon';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { isTableFormat, MIME, writeTable, type TableFormat } from '../infra/spreadsheet.js';
import { EXPORT_KINDS, ExportRepository, isExportKind } from '../repositories/export.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';

export interface ExportInput {
  what: string;
  /** First day (YYYY-MM-DD, in the grids' time zone) or an ISO instant. */
  from: string;
  /** Last day, included (YYYY-MM-DD), or an ISO instant (excluded). */
  to: string;
  /** A grid code inside the actor's subtree (default: the actor's subtree). */
  scope?: string | null;
  format: string;
}

export interface ExportFile {
  bytes: Buffer;
  type: string;
  fileName: string;
  rows: number;
}

/** The longest period one export covers. */
export const MAX_EXPORT_DAYS = 366;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Incidents, instruction receipts and clearance records of a period and subtree, as CSV or XLSX. */
export class ExportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  async export(actor: Actor, input: ExportInput): Promise<ExportFile> {
    if (actor.role === 'resident') throw new DomainError('FORBIDDEN', 'residents may not export');
    if (!isExportKind(input.what)) throw new DomainError('BAD_USER_INPUT', `export ${input.what} is not one of ${EXPORT_KINDS.join(', ')}`);
    if (!isTableFormat(input.format)) throw new DomainError('BAD_USER_INPUT', `format ${input.format} is not csv or xlsx`);
    const from = this.instant(input.from, 'from', false);
    const to = this.instant(input.to, 'to', true);
    if (to <= from) throw new DomainError('BAD_USER_INPUT', 'to must be after from');
    if (to.getTime() - from.getTime() > MAX_EXPORT_DAYS * 86_400_000) throw new DomainError('BAD_USER_INPUT', `an export covers at most ${MAX_EXPORT_DAYS} days`);
    const path = await this.grids.scopePath(actor, input.scope);
    const table = await new ExportRepository(this.deps.em).table(input.what, path, from, to);
    const format: TableFormat = input.format;
    return {
      bytes: await writeTable(table, format, input.what),
      type: MIME[format],
      fileName: `${input.what}-${input.from.slice(0, 10)}-${input.to.slice(0, 10)}.${format}`,
      rows: table.rows.length,
    };
  }

  /** A day (its start; the next day's start when it ends a period) in the grids' zone, or an ISO instant. */
  private instant(text: string, field: string, end: boolean): Date {
    const zone = this.deps.config.timeZone;
    const t = DAY.test(text) ? DateTime.fromISO(text, { zone }).plus({ days: end ? 1 : 0 }) : DateTime.fromISO(text, { zone });
    if (!t.isValid) throw new DomainError('BAD_USER_INPUT', `${field} ${text} is not a date (YYYY-MM-DD) or an ISO time`);
    return t.toJSDate();
  }
}
