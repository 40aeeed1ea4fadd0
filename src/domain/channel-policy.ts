/**
 * How messages go out through a second channel (a WeCom group robot): content limits, the
 * robot's rate limit as a sliding window, retries with the outbox's back-off (`nextAttemptAt`). Policies as data; the window
 * check and the byte-wise split are pure functions the worker and the tests share.
 */
import type { OutboxPolicy } from './outbox-policy.js';

export interface ChannelPolicy extends Pick<OutboxPolicy, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'> {
  /** Largest content of one request, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Parts one message may be split into; the last is cut with `truncatedMark` beyond that. */
  readonly maxParts: number;
  /** At most `perWindow` requests per robot in any `windowMs`. */
  readonly perWindow: number;
  readonly windowMs: number;
  /** How long a robot rests after the channel answered "rate limited". */
  readonly rateLimitPauseMs: number;
}

/**
 * WeCom's group robot (developer.work.weixin.qq.com/document/path/91770): text content at most
 * 2,048 bytes, 20 messages a minute per robot, errcode 45009 when over it.
 */
export const WECOM_POLICY: ChannelPolicy = Object.freeze({
  maxBytes: 2048,
  maxParts: 4,
  perWindow: 20,
  windowMs: 60_000,
  rateLimitPauseMs: 60_000,
  maxAttempts: 6,
  baseDelayMs: 5_000,
  maxDelayMs: 5 * 60_000,
});

const utf8 = new TextEncoder();
const bytes = (s: string): number => utf8.encode(s).length;

/** The longest prefix of `s` (whole code points) of at most `max` bytes. */
function prefixWithin(s: string, max: number): string {
  let used = 0;
  let end = 0;
  for (const ch of s) {
    const n = bytes(ch);
    if (used + n > max) break;
    used += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

/** Marks of a part: `(1/3)` on its own last line. */
const partMark = (i: number, n: number): string => `\n(${i}/${n})`;

/**
 * Splits `text` into at most `policy.maxParts` parts of at most `policy.maxBytes` UTF-8 bytes
 * each (the part mark included), cutting at line ends where it can and never inside a
 * character; what does not fit in the last part is cut and marked with `truncatedMark`.
 */
export function splitContent(text: string, policy: Pick<ChannelPolicy, 'maxBytes' | 'maxParts'>, truncatedMark: string): string[] {
  if (bytes(text) <= policy.maxBytes) return [text];
  // Room for the mark of the widest part number.
  const room = policy.maxBytes - bytes(partMark(policy.maxParts, policy.maxParts));
  const parts: string[] = [];
  let rest = text;
  while (rest && parts.length < policy.maxParts) {
    const last = parts.length === policy.maxParts - 1;
    if (bytes(rest) <= room) {
      parts.push(rest);
      rest = '';
      break;
    }
    if (last) {
      parts.push(prefixWithin(rest, room - bytes(truncatedMark)).trimEnd() + truncatedMark);
      rest = '';
      break;
    }
    const head = prefixWithin(rest, room);
    const cut = head.lastIndexOf('\n');
    // Cut at the last line end in the second half of the part, else mid-line.
    const piece = cut > head.length / 2 ? head.slice(0, cut) : head;
    parts.push(piece);
    rest = rest.slice(piece.length).replace(/^\n/, '');
  }
  return parts.map((p, i) => p + partMark(i + 1, parts.length));
}

/** True when a robot that sent at `recent` (epoch ms, oldest first) may send again at `now`. */
export function maySend(recent: readonly number[], now: number, policy: Pick<ChannelPolicy, 'perWindow' | 'windowMs'>): boolean {
  const inWindow = recent.filter((t) => t > now - policy.windowMs);
  return inWindow.length < policy.perWindow;
}

/** The robot's send times after a send at `now`: the ones still in the window, then `now`. */
export function afterSend(recent: readonly number[], now: number, policy: Pick<ChannelPolicy, 'perWindow' | 'windowMs'>): number[] {
  return [...recent.filter((t) => t > now - policy.windowMs), now].slice(-policy.perWindow);
}
