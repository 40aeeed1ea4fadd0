import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import { ENTITIES } from '../entities/index.js';
import { MIGRATIONS } from '../../migrations/index.js';
import type { Logger } from './logger.js';
import { PACKAGE_ROOT } from './package-root.js';

export type Orm = MikroORM;

export interface OrmOptions {
  url: string;
  log: Logger;
  /** Called with every SQL statement (tests count statements with it). */
  onQuery?: (sql: string) => void;
  poolMax?: number;
}

/** How long a statement waits for a pool connection before it fails. */
const ACQUIRE_TIMEOUT_MS = 10_000;
/** How long opening a database connection may take. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The MikroORM configuration. */
export function ormConfig(opts: OrmOptions): Options {
  const { onQuery, log } = opts;
  return {
    clientUrl: opts.url,
    entities: ENTITIES,
    extensions: [Migrator],
    debug: onQuery ? ['query'] : false,
    logger: (message: string) => {
      if (onQuery) onQuery(message);
      else log.debug({ component: 'orm' }, message);
    },
    colors: false,
    pool: { min: 0, max: opts.poolMax ?? 10 },
    driverOptions: {
      // With the database away, a request fails within seconds (SERVICE_UNAVAILABLE) rather
      // than waiting a minute for a pool connection or forever for a TCP connect.
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
      connection: { connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
      // knex writes its warnings (a pooled connection that died) to the console otherwise.
      log: {
        warn: (m: unknown) => log.warn({ component: 'knex' }, String(m)),
        error: (m: unknown) => log.error({ component: 'knex' }, String(m)),
        deprecate: (m: unknown) => log.debug({ component: 'knex' }, String(m)),
        debug: (m: unknown) => log.debug({ component: 'knex' }, String(m)),
      },
    },
    // Our entities are separate from GraphQL types; discovery must not need ts-morph.
    discovery: { warnWhenNoEntities: true },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      tableName: 'mikro_orm_migrations',
      // Migrations run from MIGRATIONS below; the path is where the snapshot lives.
      path: join(PACKAGE_ROOT, 'migrations'),
      pathTs: join(PACKAGE_ROOT, 'migrations'),
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: true,
      snapshotName: '.snapshot-gridhub',
      emit: 'ts',
    },
  };
}

export async function openOrm(opts: OrmOptions): Promise<Orm> {
  return MikroORM.init(ormConfig(opts));
}

/** Applies every pending committed migration; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
