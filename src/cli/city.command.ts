import { writeFile } from 'node:fs/promises';
import { OPERATOR } from '../domain/actor.js';
import { parseCityRows, type RowError } from '../domain/city-file.js';
import { isDomainError } from '../domain/errors.js';
import { readTable } from '../infra/spreadsheet.js';
import { createScope } from '../scope.js';
import type { AppDeps } from '../services/context.js';
import type { ExportInput } from '../services/export.service.js';

type Print = (line: string) => void;

/**
 * `gridhub import <file>`: checks every row, prints every bad line and writes nothing, or
 * writes the whole file in one transaction and prints what changed. Exit code 1 on bad rows.
 */
export async function runImport(deps: AppDeps, file: string, out: Print, err: Print): Promise<number> {
  let table;
  try {
    table = await readTable(file);
  } catch (e) {
    err(`gridhub import: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const refuse = (errors: readonly RowError[]) => {
    for (const e of errors) err(`${file}:${e.line}: ${e.message}`);
    err(`gridhub import: ${errors.length} bad row(s); nothing was written`);
    return 1;
  };
  const parsed = parseCityRows(table.headers, table.rows);
  if (parsed.errors.length) return refuse(parsed.errors);
  const r = await createScope(deps, OPERATOR).cityImport.importCity(OPERATOR, parsed.rows);
  if (r.errors.length) return refuse(r.errors);
  out(`imported ${file}: grids ${r.grids.created} new, ${r.grids.updated} updated; departments ${r.departments.created} new; members ${r.members.created} new, ${r.members.updated} updated`);
  return 0;
}

/** `gridhub export`: writes the file and prints its row count; a refused request prints its reason. */
export async function runExport(deps: AppDeps, input: ExportInput & { out: string }, out: Print, err: Print): Promise<number> {
  try {
    const file = await createScope(deps, OPERATOR).exports.export(OPERATOR, input);
    await writeFile(input.out, file.bytes);
    out(`wrote ${file.rows} ${input.what} row(s) to ${input.out}`);
    return 0;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    err(`gridhub export: ${e.message}`);
    return 2;
  }
}
