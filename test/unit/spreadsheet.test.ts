import ExcelJS from 'exceljs';
import { writeTable } from '../../src/infra/spreadsheet';

describe('a written table neutralises text a spreadsheet would run as a formula', () => {
  const table = { columns: ['value'], rows: [[-5], [1.5], ['-5'], ['=1+1'], ['+1'], ['@A1'], ['\tx'], ['\rx'], ['a=b'], [true], [null]] };

  it('XLSX: such text gets a leading quote; numbers, booleans and other text stay as they are', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await writeTable(table, 'xlsx')) as unknown as ArrayBuffer);
    const values = table.rows.map((_, i) => book.worksheets[0]!.getRow(i + 2).getCell(1).value);
    // XML reads a CR back as a line feed.
    expect(values).toEqual([-5, 1.5, "'-5", "'=1+1", "'+1", "'@A1", "'\tx", "'\nx", 'a=b', true, '']);
  });

  it('CSV: such text gets a leading quote; a negative number is written as the number it is', async () => {
    const lines = (await writeTable(table, 'csv')).toString('utf8').split('\n');
    expect(lines.slice(1, 8)).toEqual(['-5', '1.5', "'-5", "'=1+1", "'+1", "'@A1", "'\tx"]);
    expect(lines.slice(8).join('\n')).toMatch(/^"'\rx"\na=b\ntrue\n/);
  });
});
