import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import { OPERATOR } from './domain/actor.js';
import { categoriseWith, warmUpNormaliser } from './domain/chat/index.js';
import { isDomainError } from './domain/errors.js';
import { systemClock, type Clock } from './infra/clock.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './infra/embedded-postgres.js';
import { createLogger, type Logger } from './infra/logger.js';
import { migrate, openOrm, type Orm } from './infra/orm.js';
import { createHubPubSub } from './infra/pubsub.js';
import { postgresLock, redisLock } from './infra/lock.js';
import { connectRedis, type RedisClients } from './infra/redis.js';
import { startScheduler } from './jobs/scheduler.js';
import { GridRepository } from './repositories/grid.repository.js';
import { buildHubSchema } from './schema/build-schema.js';
import { createScope } from './scope.js';
import { createHttpServer, type HttpServer } from './server.js';
import { seedCity } from './services/seed.service.js';
import { PhotoService } from './services/photo.service.js';
import { s3Storage } from './infra/s3-storage.js';
import { localDiskStorage, type PhotoStorage } from './infra/storage.js';
import { startBots, type BotRuntime } from './bots/bot-runtime.js';
import { ChannelWorker } from './channels/channel-worker.js';
import { channelsOf } from './services/channel.service.js';
import type { AppDeps } from './services/context.js';
import { GridRefCache } from './services/grid-ref-cache.js';
import { ReportWriter } from './services/report-writer.js';
import { DeliveryLedger } from './services/delivery-ledger.service.js';
import { botLoginRoute } from './http/bot-login.route.js';
import { LiveFeeds } from './infra/live-feeds.js';
import { createRateLimits } from './infra/rate-limits.js';
import { loadCategoryClassifier } from './infra/category-model.js';
import { HubMetrics, type PoolUsage } from './infra/metrics.js';
import { OutboxRepository } from './repositories/outbox.repository.js';

/** What every entry point needs: the configuration and, optionally, a logger and clock of its own. */
export interface CoreOptions {
  config: Config;
  log?: Logger;
  clock?: Clock;
  /** Apply pending migrations on open (default true; `gridhub migrate` applies them itself, to report them). */
  migrate?: boolean;
  /** Connect to REDIS_URL when it is set (default true; one-shot commands publish to no other instance). */
  redis?: boolean;
  /** Receives every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
  /** The database pool's size (default 10; benchmarks vary it). */
  poolMax?: number;
}

export interface HubOptions extends CoreOptions {
  /** Seed the demo city when the database has no grid (default true, as `npm start` does). */
  seedWhenEmpty?: boolean;
  /** Run the scheduled jobs (default true; tests drive jobs with a fixed clock instead). */
  jobs?: boolean;
  /** Start the WeChat bots (default true; the demo world when WECHATY_PUPPET is unset). */
  bots?: boolean;
  /** Drain the grids' second channels (WeCom robots; default: where the bots run). */
  channels?: boolean;
}

/** The container and what it holds open: what the server and every one-shot command share. */
export interface Core {
  readonly deps: AppDeps;
  readonly redis: RedisClients | null;
  readonly embeddedPostgres: boolean;
  /** Stops every part in the reverse order of its start. */
  stop(): Promise<void>;
}

export interface Hub {
  /** The GraphQL endpoint (HTTP and WebSocket; a browser gets the explorer there). */
  readonly url: string;
  /** The command centre page, or null when dist/web is not built. */
  readonly pageUrl: string | null;
  readonly port: number;
  readonly deps: AppDeps;
  /** The bot accounts, when they run. */
  readonly bots: BotRuntime | null;
  /** The operator token printed at start-up, when one was generated. */
  readonly adminToken: string | null;
  stop(): Promise<void>;
}

/** How long /readyz waits for the database to answer `select 1`. */
const READINESS_TIMEOUT_MS = 3_000;

/** Long-lived parts in start order; `stop` closes them newest first and logs (not throws) a failing one. */
class Parts {
  private readonly closers: Array<{ name: string; close: () => Promise<void> }> = [];

  constructor(private readonly log: Logger) {}

  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  async stop(): Promise<void> {
    for (const { name, close } of this.closers.reverse()) {
      try {
        await close();
        this.log.debug({ step: name }, 'stopped');
      } catch (err) {
        this.log.error({ err, step: name }, 'error during shutdown');
      }
    }
    this.closers.length = 0;
  }

  /** Runs `start`; when it throws, stops what was started so far and rethrows. */
  async build<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }
}

/** Opens the database: DATABASE_URL, or an embedded PostgreSQL under DATA_DIR. */
async function openDatabase(config: Config, log: Logger, parts: Parts, opts: Pick<CoreOptions, 'onQuery' | 'poolMax'>): Promise<{ orm: Orm; embedded: EmbeddedPostgresHandle | null }> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, log);
  if (embedded) parts.add('embedded-postgres', () => embedded.stop());
  const orm = await openOrm({ url: config.databaseUrl ?? embedded!.url, log, ...(opts.onQuery ? { onQuery: opts.onQuery } : {}), ...(opts.poolMax ? { poolMax: opts.poolMax } : {}) });
  parts.add('database', () => orm.close());
  return { orm, embedded };
}

/** The database pool's use, from knex's pool (tarn), for `gridhub_db_pool_connections`. */
function poolUsage(orm: Orm): PoolUsage | null {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } }).pool;
  return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max } : null;
}

/** The container: config → database (migrated) → Redis → pub/sub → grid-ref cache → report writer → rate limits, photo storage. */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const parts = new Parts(log);
  return parts.build(async () => {
    const { orm, embedded } = await openDatabase(config, log, parts, opts);
    if (opts.migrate ?? true) {
      const applied = await migrate(orm);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
    let redis: RedisClients | null = null;
    if (config.redisUrl && (opts.redis ?? true)) {
      const connected = (redis = await connectRedis(config.redisUrl, log));
      parts.add('redis', () => connected.close());
    }
    const pubsub = createHubPubSub(config.redisPrefix, redis ?? undefined, log);
    const gridRefs = new GridRefCache(pubsub);
    parts.add('grid-ref cache', () => gridRefs.close());
    const reports = new ReportWriter(orm.em.fork(), (err) => log.warn({ err }, 'linking possible duplicates failed'));
    parts.add('report writer', () => reports.close());
    const feeds = new LiveFeeds();
    parts.add('live feeds', () => feeds.stop());
    // Events published while Redis was away are lost; the live queries recompute once it is back.
    redis?.onReconnect(() => {
      log.info({ component: 'redis' }, 'redis back: live feeds resync');
      feeds.resync();
    });
    const categorise = categoriseWith(loadCategoryClassifier());
    warmUpNormaliser();
    const metrics = new HubMetrics({ outboxDepth: () => new OutboxRepository(orm.em.fork()).depth(), pool: () => poolUsage(orm) });
    const limits = createRateLimits(config.rateLimits, redis, config.redisPrefix);
    let photoStorage: PhotoStorage;
    if (config.photoStorage.kind === 's3') {
      const s3 = s3Storage(config.photoStorage);
      parts.add('photo storage', () => s3.close());
      photoStorage = s3;
    } else {
      photoStorage = localDiskStorage(config.photoStorage.root);
    }
    const deps: AppDeps = { config, log, clock, orm, pubsub, gridRefs, reports, feeds, categorise, metrics, limits, photoStorage };
    // The rollups count days in TZ_GRID: a changed zone recounts them (once, in one transaction).
    if ((opts.migrate ?? true) && (await createScope(deps, OPERATOR).stats.useConfiguredTimeZone())) log.info({ timeZone: config.timeZone }, 'stats rollups recounted for the time zone');
    return { deps, redis, embeddedPostgres: Boolean(embedded), stop: () => parts.stop() };
  });
}

/**
 * The operator token when ADMIN_TOKEN is unset: generated once, kept (hashed) in the
 * database and (plain) in DATA_DIR/admin-token so later starts can print it again.
 */
async function operatorToken(deps: AppDeps): Promise<string | null> {
  if (deps.config.adminToken) return null;
  const file = join(resolve(deps.config.dataDir), 'admin-token');
  const scope = createScope(deps, OPERATOR);
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    try {
      await scope.auth.authenticate(saved);
      return saved;
    } catch (err) {
      if (!isDomainError(err)) throw err;
    }
  }
  const { token } = await scope.auth.mint(OPERATOR, { role: 'admin', grid: null, label: 'operator (generated at start)', ttlHours: 24 * 3650 });
  mkdirSync(resolve(deps.config.dataDir), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** The composition root: the core (see `openCore`) → seed → photos → bots → schema → HTTP/WS → jobs. Stops in reverse. */
export async function startHub(opts: HubOptions): Promise<Hub> {
  const core = await openCore(opts);
  const { deps, redis } = core;
  const { config, log, orm } = deps;
  const parts = new Parts(log);
  parts.add('core', () => core.stop());
  return parts.build(async () => {
    if ((opts.seedWhenEmpty ?? true) && (await new GridRepository(orm.em.fork()).count()) === 0) {
      const seeded = await seedCity(orm.em.fork());
      log.info(seeded, 'demo city seeded');
    }
    const adminToken = await operatorToken(deps);

    const photos = new PhotoService(deps);
    let bots: BotRuntime | null = null;
    // BOT=off: an API-only instance; the instances that run bots serve the groups.
    if ((opts.bots ?? true) && config.bots) {
      // Delivery marks receipts as told (or unreachable, or handed to the second channel) as they settle.
      const started = (bots = await startBots(deps, photos, new DeliveryLedger(deps)));
      parts.add('bots', () => started.stop());
    }

    // Second channels beside WeChat (issue 11): leased rows, so every such instance may drain them.
    if (opts.channels ?? ((opts.bots ?? true) && config.bots)) {
      for (const channel of Object.values(channelsOf(deps))) {
        const worker = new ChannelWorker(deps, channel);
        worker.start();
        parts.add(`channel ${channel.kind}`, () => worker.stop());
      }
    }

    const schema = await buildHubSchema({ demo: Boolean(bots?.demo) });
    const http: HttpServer = await createHttpServer({
      deps,
      bots,
      schema,
      photos,
      readiness: async () => ({
        // A database that hangs rather than refuses counts as away after a few seconds.
        database: await Promise.race([orm.isConnected(), new Promise<boolean>((r) => setTimeout(r, READINESS_TIMEOUT_MS, false).unref())]),
        redis: redis ? await redis.ping() : 'disabled',
        // A bot account counts as ready once logged in; while it waits for a QR scan it is not.
        ...Object.fromEntries((bots?.status() ?? []).map((b) => [`bot:${b.name}`, b.state === 'logged_in' ? 'ok' : b.state])),
      }),
      routes: (app) => botLoginRoute(app, deps, bots),
    });
    const port = await http.listen(config.port, config.host);
    parts.add('http', () => http.close());
    if (opts.jobs ?? true) {
      const scheduler = startScheduler(deps, redis ? redisLock(redis, config.redisPrefix) : postgresLock(orm));
      parts.add('scheduler', () => scheduler.stop());
    }
    const base = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/`;
    const url = `${base}graphql`;
    const pageUrl = http.page ? base : null;
    log.info({ url, page: pageUrl, redis: Boolean(redis), embeddedPostgres: core.embeddedPostgres }, 'gridhub listening');
    return { url, pageUrl, port, deps, bots, adminToken, stop: () => parts.stop() };
  });
}
