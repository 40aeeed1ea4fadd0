import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from './config.js';
import { OPERATOR } from './domain/actor.js';
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
import { createScope, type AppDeps } from './scope.js';
import { createHttpServer, type HttpServer } from './server.js';
import { seedCity } from './services/seed.service.js';
import { PhotoService } from './services/photo.service.js';
import { s3Storage } from './infra/s3-storage.js';
import { localDiskStorage, type PhotoStorage } from './infra/storage.js';
import { startBots, type BotRuntime } from './bots/bot-runtime.js';
import { botLoginRoute } from './http/bot-login.route.js';
import { LiveFeeds } from './infra/live-feeds.js';

export interface HubOptions {
  config: Config;
  log?: Logger;
  clock?: Clock;
  /** Seed the demo city when the database has no grid (default true, as `npm start` does). */
  seedWhenEmpty?: boolean;
  /** Run the scheduled jobs (default true; tests drive jobs with a fixed clock instead). */
  jobs?: boolean;
  /** Start the WeChat bots (default true; the demo world when WECHATY_PUPPET is unset). */
  bots?: boolean;
  /** Receives every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
}

export interface Hub {
  readonly url: string;
  readonly port: number;
  readonly deps: AppDeps;
  /** The operator token printed at start-up, when one was generated. */
  readonly adminToken: string | null;
  stop(): Promise<void>;
}

/** Opens the database: DATABASE_URL, or an embedded PostgreSQL under DATA_DIR. */
export async function openDatabase(config: Config, log: Logger, onQuery?: (sql: string) => void): Promise<{ orm: Orm; embedded: EmbeddedPostgresHandle | null }> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, log);
  try {
    const orm = await openOrm({ url: config.databaseUrl ?? embedded!.url, log, ...(onQuery ? { onQuery } : {}) });
    return { orm, embedded };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
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

/** The composition root: config → database → Redis → schema → HTTP/WS. Stops in reverse. */
export async function startHub(opts: HubOptions): Promise<Hub> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const closers: Array<{ name: string; close: () => Promise<void> }> = [];
  const stopAll = async () => {
    for (const { name, close } of closers.reverse()) {
      try {
        await close();
        log.debug({ step: name }, 'stopped');
      } catch (err) {
        log.error({ err, step: name }, 'error during shutdown');
      }
    }
    closers.length = 0;
  };
  try {
    const { orm, embedded } = await openDatabase(config, log, opts.onQuery);
    if (embedded) closers.push({ name: 'embedded-postgres', close: () => embedded.stop() });
    closers.push({ name: 'database', close: () => orm.close() });
    const applied = await migrate(orm);
    if (applied.length) log.info({ applied }, 'migrations applied');

    let redis: RedisClients | undefined;
    if (config.redisUrl) {
      redis = await connectRedis(config.redisUrl, log);
      closers.push({ name: 'redis', close: () => redis!.close() });
    }
    const pubsub = createHubPubSub(config.redisPrefix, redis);
    const feeds = new LiveFeeds();
    closers.push({ name: 'live feeds', close: () => feeds.stop() });
    const base: AppDeps = { orm, pubsub, clock, log, config, feeds };

    if ((opts.seedWhenEmpty ?? true) && (await new GridRepository(orm.em.fork()).count()) === 0) {
      const seeded = await seedCity(orm.em.fork());
      log.info(seeded, 'demo city seeded');
    }
    const adminToken = await operatorToken(base);

    let storage: PhotoStorage;
    if (config.photoStorage.kind === 's3') {
      const s3 = s3Storage(config.photoStorage);
      closers.push({ name: 'photo storage', close: () => s3.close() });
      storage = s3;
    } else {
      storage = localDiskStorage(config.photoStorage.root);
    }
    const photos = new PhotoService(storage);
    let bots: BotRuntime | null = null;
    if (opts.bots ?? true) {
      bots = await startBots(base, photos);
      closers.push({ name: 'bots', close: () => bots!.stop() });
    }
    const deps: AppDeps = { ...base, bots };

    const schema = await buildHubSchema({ demo: Boolean(bots?.demo) });
    const http: HttpServer = await createHttpServer({
      deps,
      schema,
      photos,
      readiness: async () => ({
        database: await orm.isConnected(),
        redis: redis ? await redis.ping() : 'disabled',
        // A bot account counts as ready once logged in; while it waits for a QR scan it is not.
        ...Object.fromEntries((bots?.status() ?? []).map((b) => [`bot:${b.name}`, b.state === 'logged_in' ? 'ok' : b.state])),
      }),
      routes: (app) => botLoginRoute(app, deps),
    });
    const port = await http.listen(config.port, config.host);
    closers.push({ name: 'http', close: () => http.close() });
    if (opts.jobs ?? true) {
      const scheduler = startScheduler(deps, redis ? redisLock(redis, config.redisPrefix) : postgresLock(orm));
      closers.push({ name: 'scheduler', close: () => scheduler.stop() });
    }
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}/graphql`;
    log.info({ url, redis: Boolean(redis), embeddedPostgres: Boolean(embedded) }, 'gridhub listening');
    return { url, port, deps, adminToken, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
