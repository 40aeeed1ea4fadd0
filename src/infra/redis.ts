import Redis from 'ioredis';
import type { Logger } from './logger.js';

/** Redis needs separate clients to publish and to subscribe; commands (locks) use the publisher. */
export interface RedisClients {
  readonly publisher: Redis;
  readonly subscriber: Redis;
  /** False at once while a client is not connected (no command waits for a reconnect). */
  ping(): Promise<boolean>;
  /** Runs `fn` each time the subscriber is connected again after losing Redis (as it becomes ready). */
  onReconnect(fn: () => void): void;
  close(): Promise<void>;
}

export async function connectRedis(url: string, log: Logger): Promise<RedisClients> {
  const make = (role: string) => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true });
    client.on('error', (err) => log.warn({ component: 'redis', role, err: err.message }, 'redis error'));
    client.on('reconnecting', () => log.info({ component: 'redis', role }, 'redis reconnecting'));
    return client;
  };
  const publisher = make('publisher');
  const subscriber = make('subscriber');
  await Promise.all([publisher.connect(), subscriber.connect()]);
  let lost = false;
  const reconnected: Array<() => void> = [];
  subscriber.on('close', () => (lost = true));
  subscriber.on('ready', () => {
    if (!lost) return;
    lost = false;
    for (const fn of reconnected) fn();
  });
  return {
    publisher,
    subscriber,
    onReconnect(fn) {
      reconnected.push(fn);
    },
    async ping() {
      if (publisher.status !== 'ready' || subscriber.status !== 'ready') return false;
      try {
        return (await publisher.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
