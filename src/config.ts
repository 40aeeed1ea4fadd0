import { z } from 'zod';
import { deadlinePolicy, type DeadlinePolicy, type DeadlinePolicyOverride } from './domain/deadline-policy.js';
import { isDomainError } from './domain/errors.js';

/**
 * The only reader of process.env. Validates contract §2's variables (and a few operational
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
  /** Pause between two messages one bot account sends, in ms (WeChat throttles bursts). */
  BOT_SEND_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).optional(),
  /** How many bot accounts to run on a real puppet, each serving the groups it is in. */
  BOT_ACCOUNTS: z.coerce.number().int().min(1).max(100).default(1),
});

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
  /** Service puppet tokens, one per bot account (WECHATY_PUPPET_SERVICE_TOKEN, comma-separated). */
  readonly puppetServiceTokens: readonly string[];
  readonly botSendIntervalMs: number | undefined;
  readonly botAccounts: number;
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
  let policy: DeadlinePolicy;
  try {
    policy = deadlinePolicy(e.DEADLINE_POLICY ? (JSON.parse(e.DEADLINE_POLICY) as DeadlinePolicyOverride) : {});
  } catch (err) {
    const why = isDomainError(err) || err instanceof SyntaxError ? err.message : String(err);
    throw new ConfigError(`invalid configuration: DEADLINE_POLICY ${why}`);
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
    puppetServiceTokens: tokens,
    botSendIntervalMs: e.BOT_SEND_INTERVAL_MS,
    botAccounts: e.WECHATY_PUPPET === 'wechaty-puppet-service' ? Math.max(1, tokens.length) : e.BOT_ACCOUNTS,
  });
}
