import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Clock } from '../infra/clock.js';
import type { LiveFeeds } from '../infra/live-feeds.js';
import type { Logger } from '../infra/logger.js';
import type { PubSub } from '../infra/pubsub.js';

/** What every service gets: its own entity manager (a fork) and the shared infrastructure. */
export interface ServiceDeps {
  readonly em: EntityManager;
  readonly pubsub: PubSub;
  readonly clock: Clock;
  readonly log: Logger;
  readonly config: Config;
  /** Live feeds: a watch method declares what to compute and when (infra/live-feeds.ts). */
  readonly feeds: LiveFeeds;
}
