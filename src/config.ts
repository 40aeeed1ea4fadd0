import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  assertScheduleOrder,
  CLEARANCE_PERIODS,
  DEFAULT_CLEARANCE_SCHEDULE,
  formatTimeOfDay,
  parseDayList,
  parseLevels,
  parseTimeOfDay,
  type ClearancePeriod,
  type ClearanceSchedule,
} from './domain/clearance-periods.js';
import { deadlinePolicy, type DeadlinePolicy, type DeadlinePolicyOverride } from './domain/deadline-policy.js';
import { isDomainError } from './domain/errors.js';
import { LIMIT_NAMES, LIMIT_RULES, parseBudget, type LimitBudget, type LimitName } from './domain/rate-limits.js';

/**
 * The only reader of process.env. Validates the variables of README.md#configuration-environment-all-optional (and a few operational
 * ones), applies defaults and freezes the result. A bad value stops start-up with one line
 * naming the variable.
 */
const urlOf = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), { message: `must start with ${protocols.join(': or ')}:` });

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** `HH:MM` → minutes after midnight. */
const timeOfDay = (fallback: number) =>
  z
    .string()
    .default(formatTimeOfDay(fallback))
    .transform((v, ctx) => parseTimeOfDay(v) ?? (ctx.addIssue({ code: 'custom', message: 'must be a time of day HH:MM (24 h)' }), z.NEVER));

/** A comma-separated list of days (`YYYY-MM-DD` or `yyyymmdd`) → a set of `yyyymmdd`. */
const dayList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    try {
      return parseDayList(v);
    } catch (err) {
      return (ctx.addIssue({ code: 'custom', message: (err as Error).message }), z.NEVER);
    }
  });

/** `*`, or a comma-separated list of origins (`scheme://host[:port]`, no path) → the list. */
const originList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const list = v.split(',').map((o) => o.trim()).filter(Boolean);
    if (list.includes('*')) return list.length === 1 ? ('*' as const) : (ctx.addIssue({ code: 'custom', message: 'is either * alone or a list of origins' }), z.NEVER);
    const bad = list.find((o) => {
      try {
        const url = new URL(o);
        return !/^https?:$/.test(url.protocol) || url.origin !== o;
      } catch {
        return true;
      }
    });
    if (bad !== undefined) return (ctx.addIssue({ code: 'custom', message: `lists ${JSON.stringify(bad)}, which is not an origin like https://dash.example.org or http://10.0.0.5:8080` }), z.NEVER);
    return Object.freeze([...new Set(list)]);
  });

/** A rate limit's budget `POINTS/WINDOW` (domain/rate-limits.ts), e.g. `20/10m`. */
const budget = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => parseBudget(v) ?? (ctx.addIssue({ code: 'custom', message: 'must read POINTS/WINDOW like 20/10m (window in s, m, h or d)' }), z.NEVER));

const limitVariables = Object.fromEntries(LIMIT_NAMES.map((n) => [LIMIT_RULES[n].variable, budget(LIMIT_RULES[n].fallback)])) as Record<string, ReturnType<typeof budget>>;

const PUPPETS = ['wechaty-puppet-wechat4u', 'wechaty-puppet-service', 'wechaty-puppet-mock'] as const;

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: urlOf(['postgres', 'postgresql']).optional(),
  REDIS_URL: urlOf(['redis', 'rediss']).optional(),
  /** Prefix for every Redis key and channel, so several hubs (or test files) can share a Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('gridhub:'),
  WECHATY_PUPPET: z.enum(PUPPETS).optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().min(1).optional(),
  TZ_GRID: z.string().refine(isTimeZone, { message: 'is not an IANA time zone' }).default('Asia/Shanghai'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest GraphQL query depth and cost accepted. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(20000),
  /** Lifetime of tokens minted without an explicit expiry, in days. */
  TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** JSON overriding deadline hours, e.g. {"categories":{"sanitation":{"normal":48}}}. */
  DEADLINE_POLICY: z.string().optional(),
  /** Clearance rounds (日清、周清、月清): which periods run, for which grid levels, and when. */
  CLEARANCE_PERIODS: z
    .string()
    .default(CLEARANCE_PERIODS.join(','))
    .transform((v, ctx) => {
      const list = v.split(',').map((p) => p.trim()).filter(Boolean);
      if (list.some((p) => !(CLEARANCE_PERIODS as readonly string[]).includes(p))) return (ctx.addIssue({ code: 'custom', message: `must be a comma-separated subset of ${CLEARANCE_PERIODS.join(', ')}` }), z.NEVER);
      return [...new Set(list)] as ClearancePeriod[];
    }),
  CLEARANCE_LEVELS: z
    .string()
    .default(DEFAULT_CLEARANCE_SCHEDULE.levels.join(','))
    .transform((v, ctx) => {
      try {
        return parseLevels(v);
      } catch (err) {
        return (ctx.addIssue({ code: 'custom', message: (err as Error).message }), z.NEVER);
      }
    }),
  CLEARANCE_ROLLCALL_AT: timeOfDay(DEFAULT_CLEARANCE_SCHEDULE.rollCallAt),
  CLEARANCE_REMIND_AT: timeOfDay(DEFAULT_CLEARANCE_SCHEDULE.remindAt),
  CLEARANCE_DEADLINE_AT: timeOfDay(DEFAULT_CLEARANCE_SCHEDULE.deadlineAt),
  /** ISO weekday of the weekly roll-call: 1 Monday … 7 Sunday. */
  CLEARANCE_WEEKLY_DAY: z.coerce.number().int().min(1).max(7).default(DEFAULT_CLEARANCE_SCHEDULE.weeklyDay),
  /** Public holidays and weekend working days (调休), for the month's last working day. */
  CLEARANCE_HOLIDAYS: dayList,
  CLEARANCE_WORKDAYS: dayList,
  /** Pause between two messages one bot account sends, in ms (WeChat throttles bursts). */
  BOT_SEND_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  /** `off` runs an API-only instance (GraphQL, feeds, jobs; no WeChat bot), to scale the API apart from the bots. */
  BOT: z.enum(['on', 'off']).default('on'),
  /** How many bot accounts to run on a real puppet, each serving the groups it is in. */
  BOT_ACCOUNTS: z.coerce.number().int().min(1).max(1000).default(1),
  /** Pacing per account (token bucket): sends that may go back to back after a pause. */
  BOT_SEND_BURST: z.coerce.number().int().min(1).max(100).optional(),
  /** Pacing per account: most sends in an hour / a day (0: no cap). */
  BOT_SENDS_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).optional(),
  BOT_SENDS_PER_DAY: z.coerce.number().int().min(0).max(10_000_000).optional(),
  /** First back-off of an account WeChat answered "发送消息过于频繁" (doubles on repeats). */
  BOT_RATE_LIMIT_BACKOFF_MS: z.coerce.number().int().min(1000).max(24 * 3600_000).optional(),
  /** A message whose group has no online account for this long is reported undeliverable. */
  BOT_UNDELIVERABLE_AFTER_MS: z.coerce.number().int().min(1000).max(7 * 24 * 3600_000).default(10 * 60_000),
  /** How long an instance's lease on an account lasts without a heartbeat (renewed every third of it). */
  BOT_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Most accounts one instance serves (it serves its fair share of the fleet, up to this). */
  BOT_INSTANCE_CAPACITY: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** Where photos go: `local` (DATA_DIR/storage) or `s3` (an S3-compatible bucket, S3_* below). */
  PHOTO_STORAGE: z.enum(['local', 's3']).default('local'),
  /** The S3 API's base URL for MinIO, Ceph, OSS, COS …; unset means AWS itself. */
  S3_ENDPOINT: urlOf(['http', 'https']).optional(),
  /** Bucket names: 3–63 lower-case letters, digits, dots and dashes. */
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name (3-63 of a-z 0-9 . -)').optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]+$/, 'must be a region name like us-east-1').default('us-east-1'),
  /** Both keys, or neither (then the SDK's usual chain: environment, profile, instance role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** `true` for servers that want http://host/bucket/key rather than http://bucket.host/key. */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).default('false'),
  /** CAP `sender` of the instruction alerts (no spaces, commas or `<&`). */
  CAP_SENDER: z.string().regex(/^[^\s,<&]+$/, 'must have no spaces, commas, < or &').default('gridhub@localhost'),
  /** A grid code whose subtree's CAP feed anyone may read without a token (unset: a token is required). */
  CAP_PUBLIC_GRID: z.string().min(1).optional(),
  /** Open311 address_string → grid code, as a JSON object: a report whose address contains a key lands in its grid. */
  OPEN311_ADDRESS_MAP: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {} as Record<string, string>;
      try {
        const map = JSON.parse(v) as unknown;
        if (map && typeof map === 'object' && !Array.isArray(map) && Object.values(map).every((c) => typeof c === 'string')) return map as Record<string, string>;
      } catch {
        // reported below
      }
      return (ctx.addIssue({ code: 'custom', message: 'must be a JSON object of address text to grid code' }), z.NEVER);
    }),
  /** Pages on other origins that may call /graphql, /photos, /bot/login and open the WebSocket. */
  CORS_ORIGINS: originList,
  /** Seals grids' second-channel targets (WeCom robot webhooks) in the database; unset: kept unsealed (never shown by the API). */
  CHANNEL_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** WeCom's robot webhook endpoint; only webhooks under it are accepted (a private gateway or a test server may stand in). */
  WECOM_WEBHOOK_URL: urlOf(['http', 'https']).default('https://qyapi.weixin.qq.com/cgi-bin/webhook/send'),
  /** A bearer token that may read GET /metrics from anywhere (Prometheus's scrape credentials). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** `on`: GET /metrics answers requests from the loopback interface without a token; `off`: always a token. */
  METRICS_LOCALHOST: z.enum(['on', 'off']).default('on'),
  /** Photos one token may upload a day (rolling 24 h), and their megabytes. */
  PHOTO_QUOTA_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(300),
  PHOTO_QUOTA_MB_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /** An uploaded photo no incident refers to is deleted after this many hours. */
  PHOTO_SWEEP_AFTER_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24),
  ...limitVariables,
});

/** Where uploaded photos are kept. */
export type PhotoStorageConfig =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 's3';
      readonly endpoint: string | undefined;
      readonly bucket: string;
      readonly region: string;
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
      readonly forcePathStyle: boolean;
    };

export type Env = z.infer<typeof schema>;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly redisPrefix: string;
  readonly puppet: Env['WECHATY_PUPPET'];
  readonly puppetServiceToken: string | undefined;
  readonly timeZone: string;
  readonly adminToken: string | undefined;
  readonly dataDir: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly tokenTtlDays: number;
  readonly deadlinePolicy: DeadlinePolicy;
  readonly clearance: ClearanceSchedule;
  readonly photoStorage: PhotoStorageConfig;
  /** Service puppet tokens, one per bot account (WECHATY_PUPPET_SERVICE_TOKEN, comma-separated). */
  readonly puppetServiceTokens: readonly string[];
  readonly botSendIntervalMs: number | undefined;
  readonly botAccounts: number;
  /** The fleet (README "Running a fleet"): pacing overrides, undeliverable time, leases, capacity. */
  readonly fleet: {
    readonly burst: number | undefined;
    readonly perHour: number | undefined;
    readonly perDay: number | undefined;
    readonly rateLimitBackoffMs: number | undefined;
    readonly undeliverableAfterMs: number;
    readonly leaseMs: number;
    readonly instanceCapacity: number;
  };
  /** CAP 1.2 feed of instructions (http/cap.route.ts). */
  readonly cap: { readonly sender: string; readonly publicGrid: string | undefined };
  /** Open311 address text → grid code (http/open311.route.ts). */
  readonly open311AddressMap: Readonly<Record<string, string>>;
  /** Other origins allowed to call the API from a browser: `*` (any), or a list (empty: same origin only). */
  readonly corsOrigins: '*' | readonly string[];
  /** Whether this instance runs the WeChat bots (`BOT=off`: API only). */
  readonly bots: boolean;
  /** Second channels of grids (issue 11): the key sealing their targets, WeCom's webhook endpoint. */
  readonly channels: { readonly secretKey: string | undefined; readonly wecomWebhookUrl: string };
  /** Who may read GET /metrics (http/metrics.route.ts): this token, the operator, and (when `localhost`) loopback callers. */
  readonly metrics: { readonly token: string | undefined; readonly localhost: boolean };
  /** Rate limits by name (RATE_LIMIT_*; domain/rate-limits.ts). */
  readonly rateLimits: Readonly<Record<LimitName, LimitBudget>>;
  /** Per-token upload quota over a rolling day, and when unreferenced photos are swept. */
  readonly photoQuota: { readonly count: number; readonly bytes: number; readonly sweepAfterHours: number };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset": shells and compose files often export VAR= to clear a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? 'environment');
      return `invalid configuration: ${name} ${i.message} (got ${JSON.stringify(cleaned[name] ?? null)})`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  if (e.WECHATY_PUPPET === 'wechaty-puppet-service' && !e.WECHATY_PUPPET_SERVICE_TOKEN) {
    throw new ConfigError('invalid configuration: WECHATY_PUPPET_SERVICE_TOKEN is required when WECHATY_PUPPET=wechaty-puppet-service');
  }
  const tokens = (e.WECHATY_PUPPET_SERVICE_TOKEN ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (e.WECHATY_PUPPET === 'wechaty-puppet-service' && cleaned['BOT_ACCOUNTS'] && tokens.length !== e.BOT_ACCOUNTS) {
    throw new ConfigError(`invalid configuration: BOT_ACCOUNTS is ${e.BOT_ACCOUNTS} but WECHATY_PUPPET_SERVICE_TOKEN lists ${tokens.length} token(s); give one token per account`);
  }
  if (e.PHOTO_STORAGE === 's3' && !e.S3_BUCKET) {
    throw new ConfigError('invalid configuration: S3_BUCKET is required when PHOTO_STORAGE=s3');
  }
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(`invalid configuration: ${e.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'} is required with ${e.S3_ACCESS_KEY_ID ? 'S3_ACCESS_KEY_ID' : 'S3_SECRET_ACCESS_KEY'}`);
  }
  const photoStorage: PhotoStorageConfig =
    e.PHOTO_STORAGE === 's3'
      ? {
          kind: 's3',
          endpoint: e.S3_ENDPOINT,
          bucket: e.S3_BUCKET!,
          region: e.S3_REGION,
          credentials: e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY } : undefined,
          forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true' || e.S3_FORCE_PATH_STYLE === '1',
        }
      : { kind: 'local', root: join(resolve(e.DATA_DIR), 'storage') };
  let policy: DeadlinePolicy;
  try {
    policy = deadlinePolicy(e.DEADLINE_POLICY ? (JSON.parse(e.DEADLINE_POLICY) as DeadlinePolicyOverride) : {});
  } catch (err) {
    const why = isDomainError(err) || err instanceof SyntaxError ? err.message : String(err);
    throw new ConfigError(`invalid configuration: DEADLINE_POLICY ${why}`);
  }
  const clearance: ClearanceSchedule = Object.freeze({
    periods: e.CLEARANCE_PERIODS,
    levels: e.CLEARANCE_LEVELS,
    rollCallAt: e.CLEARANCE_ROLLCALL_AT,
    remindAt: e.CLEARANCE_REMIND_AT,
    deadlineAt: e.CLEARANCE_DEADLINE_AT,
    weeklyDay: e.CLEARANCE_WEEKLY_DAY,
    holidays: e.CLEARANCE_HOLIDAYS,
    workdays: e.CLEARANCE_WORKDAYS,
  });
  try {
    assertScheduleOrder(clearance);
  } catch (err) {
    throw new ConfigError(`invalid configuration: CLEARANCE_REMIND_AT ${(err as Error).message} (CLEARANCE_ROLLCALL_AT < CLEARANCE_REMIND_AT < CLEARANCE_DEADLINE_AT)`);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    puppet: e.WECHATY_PUPPET,
    puppetServiceToken: e.WECHATY_PUPPET_SERVICE_TOKEN,
    timeZone: e.TZ_GRID,
    adminToken: e.ADMIN_TOKEN,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    maxDepth: e.GRAPHQL_MAX_DEPTH,
    maxCost: e.GRAPHQL_MAX_COST,
    tokenTtlDays: e.TOKEN_TTL_DAYS,
    deadlinePolicy: policy,
    clearance,
    photoStorage,
    puppetServiceTokens: tokens,
    botSendIntervalMs: e.BOT_SEND_INTERVAL_MS,
    bots: e.BOT === 'on',
    botAccounts: e.WECHATY_PUPPET === 'wechaty-puppet-service' ? Math.max(1, tokens.length) : e.BOT_ACCOUNTS,
    fleet: Object.freeze({
      burst: e.BOT_SEND_BURST,
      perHour: e.BOT_SENDS_PER_HOUR,
      perDay: e.BOT_SENDS_PER_DAY,
      rateLimitBackoffMs: e.BOT_RATE_LIMIT_BACKOFF_MS,
      undeliverableAfterMs: e.BOT_UNDELIVERABLE_AFTER_MS,
      leaseMs: e.BOT_LEASE_MS,
      instanceCapacity: e.BOT_INSTANCE_CAPACITY,
    }),
    cap: Object.freeze({ sender: e.CAP_SENDER, publicGrid: e.CAP_PUBLIC_GRID }),
    open311AddressMap: Object.freeze({ ...e.OPEN311_ADDRESS_MAP }),
    corsOrigins: e.CORS_ORIGINS,
    channels: Object.freeze({ secretKey: e.CHANNEL_SECRET_KEY, wecomWebhookUrl: e.WECOM_WEBHOOK_URL }),
    metrics: Object.freeze({ token: e.METRICS_TOKEN, localhost: e.METRICS_LOCALHOST === 'on' }),
    rateLimits: Object.freeze(Object.fromEntries(LIMIT_NAMES.map((n) => [n, (e as unknown as Record<string, LimitBudget>)[LIMIT_RULES[n].variable]!])) as Record<LimitName, LimitBudget>),
    photoQuota: Object.freeze({ count: e.PHOTO_QUOTA_PER_DAY, bytes: e.PHOTO_QUOTA_MB_PER_DAY * 1024 * 1024, sweepAfterHours: e.PHOTO_SWEEP_AFTER_HOURS }),
  });
}
