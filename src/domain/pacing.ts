/**
 * How fast one bot account may send, as policy (issue 11). WeChat throttles personal accounts
 * that post to many groups in a burst ("发送消息过于频繁", wechaty#412), so every account sends
 * through a token bucket (one token per `intervalMs`, at most `burst` saved up) and within
 * per-hour and per-day caps; when WeChat answers with its rate-limit error the account alone
 * backs off (doubling up to a ceiling) while the others carry on. Pure: time comes in as ms.
 */
export interface PacingPolicy {
  /** One send per this many ms on average; 0 = unpaced (the demo's simulated WeChat). */
  readonly intervalMs: number;
  /** Sends that may go back to back after a quiet spell. */
  readonly burst: number;
  /** At most this many sends in any clock hour window (0 = no cap). */
  readonly perHour: number;
  /** At most this many sends per day window (0 = no cap). */
  readonly perDay: number;
  /** The first back-off after WeChat's rate-limit answer; doubles on each repeat. */
  readonly rateLimitBackoffMs: number;
  readonly maxRateLimitBackoffMs: number;
}

/** Safe for a personal WeChat account: ~40 a minute, short bursts, well under daily limits. */
export const WECHAT_PACING: PacingPolicy = Object.freeze({ intervalMs: 1500, burst: 2, perHour: 1800, perDay: 12_000, rateLimitBackoffMs: 5 * 60_000, maxRateLimitBackoffMs: 60 * 60_000 });

/** The demo's mock WeChat: no pacing unless BOT_SEND_INTERVAL_MS asks for it. */
export const DEMO_PACING: PacingPolicy = Object.freeze({ intervalMs: 0, burst: 1, perHour: 0, perDay: 0, rateLimitBackoffMs: 5_000, maxRateLimitBackoffMs: 60_000 });

/** One account's bucket and counters. */
export interface PacingState {
  readonly tokens: number;
  readonly refilledAt: number;
  readonly hourStart: number;
  readonly hourSends: number;
  readonly dayStart: number;
  readonly daySends: number;
  /** Rate-limited until then (0: not). */
  readonly blockedUntil: number;
  /** Rate-limit answers in a row (the back-off doubles with each). */
  readonly strikes: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A fresh account: a full bucket, `sentToday` already counted against the day's cap. */
export const initialPacing = (policy: PacingPolicy, nowMs: number, sentToday = 0): PacingState => ({
  tokens: Math.max(1, policy.burst),
  refilledAt: nowMs,
  hourStart: nowMs,
  hourSends: 0,
  dayStart: nowMs,
  daySends: sentToday,
  blockedUntil: 0,
  strikes: 0,
});

const tokensAt = (s: PacingState, p: PacingPolicy, nowMs: number): number =>
  p.intervalMs <= 0 ? Infinity : Math.min(Math.max(1, p.burst), s.tokens + Math.max(0, nowMs - s.refilledAt) / p.intervalMs);

/** The earliest time (ms) the account may send its next message; `nowMs` when it may now. */
export function nextSendAt(s: PacingState, p: PacingPolicy, nowMs: number): number {
  let at = Math.max(nowMs, s.blockedUntil);
  if (p.perHour > 0 && s.hourSends >= p.perHour && at < s.hourStart + HOUR) at = s.hourStart + HOUR;
  if (p.perDay > 0 && s.daySends >= p.perDay && at < s.dayStart + DAY) at = s.dayStart + DAY;
  const tokens = tokensAt(s, p, at);
  if (tokens < 1) at += Math.ceil((1 - tokens) * p.intervalMs);
  return at;
}

/** How many sends the account may make from now within `windowMs` (to size a claim). */
export function sendsWithin(s: PacingState, p: PacingPolicy, nowMs: number, windowMs: number, max: number): number {
  if (nowMs < s.blockedUntil) return 0;
  let n = p.intervalMs <= 0 ? max : Math.floor(tokensAt(s, p, nowMs) + windowMs / p.intervalMs);
  if (p.perHour > 0) n = Math.min(n, Math.max(0, p.perHour - (nowMs < s.hourStart + HOUR ? s.hourSends : 0)));
  if (p.perDay > 0) n = Math.min(n, Math.max(0, p.perDay - (nowMs < s.dayStart + DAY ? s.daySends : 0)));
  return Math.max(0, Math.min(max, n));
}

/** The state after one send at `nowMs` (which must be ≥ `nextSendAt`). */
export function afterSend(s: PacingState, p: PacingPolicy, nowMs: number): PacingState {
  const newHour = nowMs >= s.hourStart + HOUR;
  const newDay = nowMs >= s.dayStart + DAY;
  const tokens = tokensAt(s, p, nowMs);
  return {
    tokens: p.intervalMs <= 0 ? s.tokens : Math.max(0, tokens - 1),
    refilledAt: nowMs,
    hourStart: newHour ? nowMs : s.hourStart,
    hourSends: (newHour ? 0 : s.hourSends) + 1,
    dayStart: newDay ? nowMs : s.dayStart,
    daySends: (newDay ? 0 : s.daySends) + 1,
    blockedUntil: s.blockedUntil,
    strikes: 0,
  };
}

/** WeChat said "too often": the account waits (5 min, 10, 20, … up to the ceiling) and its bucket empties. */
export function afterRateLimit(s: PacingState, p: PacingPolicy, nowMs: number): PacingState {
  const backoff = Math.min(p.maxRateLimitBackoffMs, p.rateLimitBackoffMs * 2 ** s.strikes);
  return { ...s, tokens: 0, refilledAt: nowMs + backoff, blockedUntil: nowMs + backoff, strikes: s.strikes + 1 };
}

/**
 * What WeChat (through the puppets) answers when an account sends too much too fast; a send
 * failing with one of these is WeChat's rate limit, not a broken group.
 */
export const RATE_LIMIT_ANSWERS: readonly RegExp[] = [/发送消息过于频繁/, /操作(过于)?频繁/, /发送(过于)?频繁/, /too (many|frequent)/i, /rate.?limit/i, /\bfreq(uency)? ?limit/i];

/** Whether a send error is WeChat's rate-limit answer. */
export const isRateLimitAnswer = (error: string): boolean => RATE_LIMIT_ANSWERS.some((re) => re.test(error));
