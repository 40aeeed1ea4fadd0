// A lone UTF-16 surrogate (no partner): what broken clients and random input produce.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text that PostgreSQL can store: lone surrogates become U+FFFD and NUL characters are dropped
 * (PostgreSQL `text` refuses both). Everything else is kept as sent.
 */
export const storableText = (text: string): string => text.replace(LONE_SURROGATE, '\uFFFD').replace(/\0/g, '');
