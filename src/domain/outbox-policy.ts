/**
 * How the bot's outbox paces and retries. A personal WeChat account that sends to many groups
 * in a burst is throttled by the platform ("发送消息过于频繁", docs/domain-rules.md#scale), so each account sends
 * one message at a time with a pause between sends, and a failed send is retried later with
 * exponential back-off, a bounded number of times.
 */
export interface OutboxPolicy {
  /** Pause between two sends of one account, in ms. */
  readonly intervalMs: number;
  /** Sends tried per message before it is marked failed. */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles each time up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Conservative for real accounts: about 40 messages a minute each. */
export const REAL_ACCOUNT_POLICY: OutboxPolicy = Object.freeze({ intervalMs: 1500, maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 10 * 60_000 });

/** The demo's simulated WeChat has no rate limit. */
export const DEMO_POLICY: OutboxPolicy = Object.freeze({ intervalMs: 0, maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000 });

/**
 * When to try again after failed attempt number `attempts` (1 = the first send failed), or
 * null when the message has had all its attempts. `jitter` in [0, 1) spreads retries of many
 * messages that failed together (the caller passes Math.random(); tests pass a constant).
 */
export function nextAttemptAt(attempts: number, now: Date, policy: OutboxPolicy, jitter: number): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + Math.round(delay * (0.75 + 0.5 * jitter)));
}
