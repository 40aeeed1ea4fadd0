import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { ClientBase } from 'pg';
import type { RedisClients } from './redis.js';

/** A lock held by one hub instance at a time; `run` skips (returns false) when another holds it. */
export interface Lock {
  run(key: string, ttlMs: number, fn: () => Promise<void>): Promise<boolean>;
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Redis `SET NX PX` with a token, released only by its holder. */
export function redisLock(redis: RedisClients, prefix: string): Lock {
  return {
    async run(key, ttlMs, fn) {
      const token = randomBytes(16).toString('hex');
      const name = `${prefix}lock:${key}`;
      if ((await redis.publisher.set(name, token, 'PX', ttlMs, 'NX')) !== 'OK') return false;
      try {
        await fn();
      } finally {
        await redis.publisher.eval(RELEASE, 1, name, token);
      }
      return true;
    },
  };
}

interface KnexPool {
  acquireConnection(): Promise<ClientBase>;
  releaseConnection(conn: ClientBase): Promise<void>;
}

/** Without Redis: a PostgreSQL session advisory lock (instances share the database anyway). */
export function postgresLock(orm: MikroORM): Lock {
  return {
    async run(key, _ttlMs, fn) {
      // knex types its pool as `any`; for PostgreSQL the pooled connection is a node-postgres client.
      const pool = orm.em.getConnection().getKnex().client as KnexPool;
      const conn = await pool.acquireConnection();
      try {
        const res = await conn.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key]);
        if (!res.rows[0].ok) return false;
        try {
          await fn();
        } finally {
          await conn.query('select pg_advisory_unlock(hashtext($1))', [key]);
        }
        return true;
      } finally {
        await pool.releaseConnection(conn);
      }
    },
  };
}
