/**
 * Human codes for incidents (`E20261122-0012`) and instructions (`I20261122-003`).
 * Typed by hand they are case-insensitive and may drop the sequence's leading zeros.
 */
export type CodeKind = 'E' | 'I';

const PAD: Record<CodeKind, number> = { E: 4, I: 3 };

/**
 * A day's codes are `prefix` + the sequence, left-padded with zeros to at least `pad` digits.
 * Bulk inserts number their rows in SQL with exactly these parts.
 */
export function codeLayout(kind: CodeKind, day: string): { prefix: string; pad: number } {
  if (!/^\d{8}$/.test(day)) throw new Error(`bad day ${day}`);
  return { prefix: `${kind}${day}-`, pad: PAD[kind] };
}

/** `day` is the calendar day in the grid's time zone as `yyyymmdd`. */
export function formatCode(kind: CodeKind, day: string, seq: number): string {
  const { prefix, pad } = codeLayout(kind, day);
  if (!Number.isInteger(seq) || seq < 1) throw new Error(`bad sequence ${seq}`);
  return `${prefix}${String(seq).padStart(pad, '0')}`;
}

/** Matches a loosely typed code anywhere in a text (after full-width folding). */
export const LOOSE_CODE_PATTERN = /(?<![A-Za-z0-9])([EeIi])\s?(\d{8})\s?[-－—–_]\s?(\d{1,6})(?![0-9])/;

/** Normalises a loosely typed code (`e20261122-12` → `E20261122-0012`); null when it is not one. */
export function normalizeCode(text: string): string | null {
  const m = LOOSE_CODE_PATTERN.exec(text.normalize('NFKC').trim());
  if (!m || m.index !== 0 || m[0].length !== text.normalize('NFKC').trim().length) return null;
  const seq = Number(m[3]);
  if (seq < 1) return null;
  return formatCode(m[1]!.toUpperCase() as CodeKind, m[2]!, seq);
}

/** Finds the first code in a free text and returns it normalised, or null. */
export function findCode(text: string): string | null {
  const m = LOOSE_CODE_PATTERN.exec(text.normalize('NFKC'));
  if (!m || Number(m[3]) < 1) return null;
  return formatCode(m[1]!.toUpperCase() as CodeKind, m[2]!, Number(m[3]));
}
