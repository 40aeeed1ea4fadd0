import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { DomainError } from '../domain/errors.js';
import { LIMIT_NAMES, retrySeconds, type LimitBudget, type LimitName } from '../domain/rate-limits.js';
import type { RedisClients } from './redis.js';

/** What a limiter said about one key. */
export interface LimitVerdict {
  readonly allowed: boolean;
  /** Points left in the window after this (0 when refused). */
  readonly remaining: number;
  /** Seconds until the window frees a point (0 while points are left). */
  readonly retryAfterSeconds: number;
}

/**
 * The hub's rate limits (domain/rate-limits.ts), counted in Redis when REDIS_URL is set so every
 * instance shares them, in process otherwise. While Redis is unreachable each instance counts
 * in process (rate-limiter-flexible's insurance limiter) rather than failing requests.
 */
export interface RateLimits {
  /** Takes `points` from `key`'s budget of `name`. */
  take(name: LimitName, key: string, points?: number): Promise<LimitVerdict>;
  /** Whether `key` is over `name`'s budget now, without taking anything. */
  peek(name: LimitName, key: string): Promise<LimitVerdict>;
  /** Takes one point, or throws RATE_LIMITED with the retry time. */
  enforce(name: LimitName, key: string, what: string): Promise<void>;
  /** Forgets `key`'s count (e.g. after a successful bind). */
  reset(name: LimitName, key: string): Promise<void>;
}

const ALLOWED: LimitVerdict = { allowed: true, remaining: 1, retryAfterSeconds: 0 };

/** The RATE_LIMITED error for a refusal of `name`. */
export const rateLimited = (name: LimitName, verdict: LimitVerdict, what: string): DomainError =>
  new DomainError('RATE_LIMITED', `too many ${what}; try again in ${verdict.retryAfterSeconds} s`, { reason: 'RATE_LIMITED', limit: name, retryAfterSeconds: verdict.retryAfterSeconds });

export function createRateLimits(budgets: Readonly<Record<LimitName, LimitBudget>>, redis: RedisClients | null, prefix: string): RateLimits {
  const limiters = new Map<LimitName, { limiter: RateLimiterAbstract; points: number }>();
  for (const name of LIMIT_NAMES) {
    const { points, windowSeconds: duration } = budgets[name];
    const memory = new RateLimiterMemory({ points, duration, keyPrefix: name });
    const limiter = redis
      ? new RateLimiterRedis({ storeClient: redis.publisher, keyPrefix: `${prefix}limit:${name}`, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory;
    limiters.set(name, { limiter, points });
  }
  const of = (name: LimitName) => limiters.get(name)!;
  const refused = (res: RateLimiterRes): LimitVerdict => ({ allowed: false, remaining: 0, retryAfterSeconds: retrySeconds(res.msBeforeNext) });
  const take = async (name: LimitName, key: string, points = 1): Promise<LimitVerdict> => {
    const l = of(name);
    try {
      const res = await l.limiter.consume(key, points);
      return { ...ALLOWED, remaining: res.remainingPoints, retryAfterSeconds: res.remainingPoints === 0 ? retrySeconds(res.msBeforeNext) : 0 };
    } catch (err) {
      if (err instanceof RateLimiterRes) return refused(err);
      throw err;
    }
  };
  return {
    take,
    async peek(name, key) {
      const l = of(name);
      const res = await l.limiter.get(key);
      if (!res || res.consumedPoints < l.points) return { ...ALLOWED, remaining: l.points - (res?.consumedPoints ?? 0) };
      return refused(res);
    },
    async enforce(name, key, what) {
      const verdict = await take(name, key);
      if (!verdict.allowed) throw rateLimited(name, verdict, what);
    },
    async reset(name, key) {
      await of(name).limiter.delete(key);
    },
  };
}
