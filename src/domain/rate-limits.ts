/**
 * Rate limits and quotas as data: what each limit counts, per whom, its default budget and the
 * variable that changes it. The budget reads `POINTS/WINDOW` (`20/10m`: twenty in ten minutes;
 * windows in s, m, h or d). Counting happens in infra/rate-limits.ts (Redis, or in-process).
 */
export type LimitName = 'failedAuth' | 'report' | 'botCommand' | 'upload' | 'bindFailure';

export interface LimitBudget {
  readonly points: number;
  readonly windowSeconds: number;
}

export interface LimitRule {
  /** Whom the budget is per (for README and logs). */
  readonly per: string;
  /** The configuration variable, read by config.ts. */
  readonly variable: string;
  readonly fallback: string;
}

export const LIMIT_RULES: Record<LimitName, LimitRule> = {
  /** Presenting a missing, forged, expired or revoked token. */
  failedAuth: { per: 'client IP', variable: 'RATE_LIMIT_FAILED_AUTH', fallback: '30/10m' },
  /** Reports over GraphQL or in chat. */
  report: { per: 'member or token', variable: 'RATE_LIMIT_REPORTS', fallback: '120/1h' },
  /** Every command said to the bot. */
  botCommand: { per: 'WeChat contact', variable: 'RATE_LIMIT_BOT_COMMANDS', fallback: '30/1m' },
  /** Photo uploads (POST /photos and photos sent to the bot). */
  upload: { per: 'token (bot: group)', variable: 'RATE_LIMIT_UPLOADS', fallback: '120/10m' },
  /** Wrong `#绑定 CODE` attempts; at the limit the contact or group is locked for the rest of the window. */
  bindFailure: { per: 'WeChat contact and group', variable: 'RATE_LIMIT_BIND_FAILURES', fallback: '5/1h' },
};

export const LIMIT_NAMES = Object.keys(LIMIT_RULES) as LimitName[];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `20/10m` → { points: 20, windowSeconds: 600 }; null when it does not read so. */
export function parseBudget(text: string): LimitBudget | null {
  const m = /^\s*(\d{1,7})\s*\/\s*(\d{1,6})?\s*([smhd])\s*$/.exec(text);
  if (!m) return null;
  const points = Number(m[1]);
  const windowSeconds = Number(m[2] ?? 1) * UNIT_SECONDS[m[3]!]!;
  if (points < 1 || windowSeconds < 1) return null;
  return { points, windowSeconds };
}

/** A refusal's retry time in whole seconds (at least one). */
export const retrySeconds = (msBeforeNext: number): number => Math.max(1, Math.ceil(msBeforeNext / 1000));
