// A lone UTF-16 surrogate (no partner): what broken clients and random input produce.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text that PostgreSQL can store: lone surrogates become U+FFFD and NUL characters are dropped
 * (PostgreSQL `text` refuses both). Everything else is kept as sent.
 */
export const storableText = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD').replace(/\0/g, '');

/**
 * An input (arguments, nested inputs, lists) with every string made storable, so no text field
 * of any mutation can fail in PostgreSQL. Other values are kept as they are.
 */
export function storableInput(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableInput);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, storableInput(v)]));
  }
  return value;
}
