import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';

/** The two file formats of import and export. */
export const TABLE_FORMATS = ['csv', 'xlsx'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];
export const isTableFormat = (value: string): value is TableFormat => (TABLE_FORMATS as readonly string[]).includes(value);

/** A data row of a read table: its line (the spreadsheet's row number, header = 1) and its cells by lower-cased header. */
export interface TableRow {
  line: number;
  cells: Record<string, string>;
}

/** A table to write: column headers and rows of plain values (dates as ISO strings, null as empty). */
export interface Table {
  columns: readonly string[];
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

export const MIME: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The format a file name says (`.csv`, `.xlsx`), or null. */
export function formatOf(path: string): TableFormat | null {
  const ext = extname(path).slice(1).toLowerCase();
  return isTableFormat(ext) ? ext : null;
}

const BOM = '\uFEFF';

/** Reads a CSV text into a worksheet, every cell kept as the text it is (no number or date guessing: phones keep their leading 0). */
async function readCsv(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  let text = bytes.toString('utf8');
  if (text.startsWith(BOM)) text = text.slice(1);
  return new ExcelJS.Workbook().csv.read(Readable.from([text]), { map: (value: unknown) => value });
}

async function readXlsx(bytes: Buffer): Promise<ExcelJS.Worksheet> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) throw new Error('the workbook has no worksheet');
  return sheet;
}

/**
 * Reads the first sheet of an `.xlsx` file, or a UTF-8 `.csv` file: the first row is the header
 * (names matched case-insensitively), blank rows are skipped, every cell comes back as trimmed text.
 */
export async function readTable(path: string): Promise<{ headers: string[]; rows: TableRow[] }> {
  const format = formatOf(path);
  if (!format) throw new Error(`${path}: expected a .csv or .xlsx file`);
  const bytes = await readFile(path);
  const sheet = format === 'csv' ? await readCsv(bytes) : await readXlsx(bytes);
  const headers: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    headers[col - 1] = cell.text.trim().toLowerCase();
  });
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const cells: Record<string, string> = {};
    let blank = true;
    headers.forEach((header, i) => {
      if (!header) return;
      const text = row.getCell(i + 1).text.trim();
      if (text) blank = false;
      cells[header] = text;
    });
    if (!blank) rows.push({ line, cells });
  });
  return { headers: headers.filter(Boolean), rows };
}

/** Text a spreadsheet would take for a formula (or a formula's start): `=`, `+`, `-`, `@`, tab or CR first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A value as written: text that would start a formula (a resident's `=HYPERLINK(…)` as a
 * description) gets a leading `'`, so Excel shows it as text instead of running it (OWASP's
 * advice against CSV injection); numbers and booleans stay as they are, null is empty.
 */
const safeCell = (v: string | number | boolean | null): string | number | boolean => (v === null ? '' : typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v);

/**
 * Writes a table as CSV (UTF-8 with a BOM, so Excel shows Chinese right) or as a one-sheet
 * `.xlsx`, text that would run as a formula neutralised in both.
 */
export async function writeTable(table: Table, format: TableFormat, sheetName = 'export'): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  sheet.addRow([...table.columns]).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row.map(safeCell));
  if (format === 'xlsx') {
    sheet.columns.forEach((c) => (c.width = 16));
    return Buffer.from(await book.xlsx.writeBuffer());
  }
  const csv = Buffer.from(await book.csv.writeBuffer({ map: (value: unknown) => value }));
  return Buffer.concat([Buffer.from(BOM, 'utf8'), csv]);
}
