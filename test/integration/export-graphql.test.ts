import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { readTable } from '../../src/infra/spreadsheet';
import type * as Op from '../generated/operations';
import { EXPORT_FILE, REPORT_INCIDENT } from '../operations';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const t = useHub();
const dir = mkdtempSync(join(tmpdir(), 'gridhub-export-'));

it('gives the same spreadsheet over GraphQL as over HTTP: the token’s subtree only, CSV and XLSX, refusing other subtrees and bad periods', async () => {
  const mine = [];
  for (const d of ['楼道灯坏了', '3号楼门禁坏了']) mine.push((await gqlOk<Op.ReportIncidentMutation>(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M02', description: d } })).reportIncident.code);
  await gqlOk(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B02-C03-M05', description: '垃圾堆放' } });
  const chief = await t.token('CHIEF', 'XHG-B01-C01');
  const today = DateTime.now().setZone('Asia/Shanghai');
  const period = { from: today.minus({ days: 1 }).toISODate()!, to: today.plus({ days: 1 }).toISODate()! };

  for (const format of ['CSV', 'XLSX'] as const) {
    const { exportFile: file } = await gqlOk<Op.ExportFileQuery>(t.hub, chief, EXPORT_FILE, { what: 'INCIDENTS', format, ...period });
    expect(file).toMatchObject({ fileName: `incidents-${period.from}-${period.to}.${format.toLowerCase()}`, rows: 2 });
    expect(file.contentType).toContain(format === 'CSV' ? 'text/csv' : 'spreadsheetml');
    const bytes = Buffer.from(file.base64, 'base64');
    expect(bytes.length).toBe(file.size);
    const path = join(dir, file.fileName);
    writeFileSync(path, bytes);
    const table = await readTable(path);
    expect(table.rows.map((r) => r.cells['code']).sort()).toEqual([...mine].sort());
  }

  const elsewhere = await gql(t.hub, chief, EXPORT_FILE, { what: 'INCIDENTS', format: 'CSV', ...period, scope: 'XHG-B02' });
  expect(elsewhere.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const backwards = await gql(t.hub, chief, EXPORT_FILE, { what: 'RECEIPTS', format: 'CSV', from: period.to, to: period.from });
  expect(backwards.errors?.[0]).toMatchObject({ message: 'to must be after from', extensions: { code: 'BAD_USER_INPUT' } });
  const anonymous = await gql(t.hub, null, EXPORT_FILE, { what: 'CLEARANCE', format: 'XLSX', ...period });
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
