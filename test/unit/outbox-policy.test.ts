import { DEMO_POLICY, nextAttemptAt, REAL_ACCOUNT_POLICY } from '../../src/domain/outbox-policy';
import { storableText } from '../../src/domain/text';

const now = new Date('2026-11-23T00:00:00Z');
const delay = (attempts: number, jitter = 0.5) => (nextAttemptAt(attempts, now, REAL_ACCOUNT_POLICY, jitter)?.getTime() ?? NaN) - now.getTime();

describe('outbox retry policy', () => {
  it.each([
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [7, 320_000],
  ])('after failed attempt %i the next try waits %i ms (no jitter at 0.5)', (attempts, ms) => {
    expect(delay(attempts)).toBe(ms);
  });

  it('never waits longer than the cap', () => {
    const capped = { ...REAL_ACCOUNT_POLICY, maxAttempts: 50 };
    expect(nextAttemptAt(40, now, capped, 0.5)!.getTime() - now.getTime()).toBe(capped.maxDelayMs);
  });

  it('spreads retries by ±25% with jitter', () => {
    expect(delay(1, 0)).toBe(3_750);
    expect(delay(1, 0.999999)).toBe(6_250);
  });

  it('gives up after maxAttempts', () => {
    expect(nextAttemptAt(REAL_ACCOUNT_POLICY.maxAttempts, now, REAL_ACCOUNT_POLICY, 0.5)).toBeNull();
    expect(nextAttemptAt(REAL_ACCOUNT_POLICY.maxAttempts - 1, now, REAL_ACCOUNT_POLICY, 0.5)).not.toBeNull();
  });

  it('paces real accounts conservatively and the demo not at all', () => {
    expect(REAL_ACCOUNT_POLICY.intervalMs).toBeGreaterThanOrEqual(1000);
    expect(DEMO_POLICY.intervalMs).toBe(0);
  });
});

describe('storableText', () => {
  it.each([
    ['plain text stays', '3栋下水道篦子破损', '3栋下水道篦子破损'],
    ['pairs stay', 'ok 😀 ok', 'ok 😀 ok'],
    ['a lone high surrogate becomes U+FFFD', 'a\uD83Db', 'a\uFFFDb'],
    ['a lone low surrogate becomes U+FFFD', '\uDE00x', '\uFFFDx'],
    ['NUL is dropped', 'a\u0000b', 'ab'],
    ['a high surrogate at the end', 'x\uD800', 'x\uFFFD'],
  ])('%s', (_name, input, output) => {
    expect(storableText(input)).toBe(output);
  });
});
