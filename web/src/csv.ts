/** One per-grid task of an instruction, as pasted or uploaded: `grid code, item`. */
export interface CsvItem {
  grid: string;
  text: string;
}

/** Splits one CSV line (RFC 4180 quotes; comma, Chinese comma or tab between fields). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',' || ch === '，' || ch === '\t') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

/**
 * Parses `grid code, item` lines: a header line (网格 / grid) is skipped, a bad line is reported
 * with its number rather than dropped. Commas inside the item need quotes, or come after the first.
 */
export function parseItems(text: string): { items: CsvItem[]; errors: string[] } {
  const items: CsvItem[] = [];
  const errors: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (!raw.trim()) return;
      const [grid = '', ...rest] = fields(raw);
      const item = rest.join('，').trim();
      if (i === 0 && /网格|grid/i.test(grid) && !/^[A-Z0-9]+(-[A-Z0-9]+)*$/i.test(grid)) return;
      if (!/^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/.test(grid) || !item) errors.push(`第 ${i + 1} 行格式应为“网格编码,事项”：${raw}`);
      else items.push({ grid: grid.toUpperCase(), text: item });
    });
  return { items, errors };
}
