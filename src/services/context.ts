import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Categorise } from '../domain/chat/index.js';
import type { Clock } from '../infra/clock.js';
import type { LiveFeeds } from '../infra/live-feeds.js';
import type { Logger } from '../infra/logger.js';
import type { HubMetrics } from '../infra/metrics.js';
import type { PubSub } from '../infra/pubsub.js';
import type { RateLimits } from '../infra/rate-limits.js';
import type { PhotoStorage } from '../infra/storage.js';
import type { GridRefCache } from './grid-ref-cache.js';
import type { ReportWriter } from './report-writer.js';

/**
 * The dependency container: every long-lived part, built once by the composition root
 * (`src/main.ts`, `openCore`), passed down, and stopped by it in reverse order. Nothing
 * long-lived lives in a module variable.
 */
export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly orm: MikroORM;
  readonly pubsub: PubSub;
  /** Grid refs by code for the report path; it follows `gridChanged`. */
  readonly gridRefs: GridRefCache;
  /** The group-commit writer of reports. */
  readonly reports: ReportWriter;
  /** Live feeds: a watch method declares what to compute and when (infra/live-feeds.ts). */
  readonly feeds: LiveFeeds;
  /** A report's category from the trained classifier (data/category-model.json), loaded once at start-up. */
  readonly categorise: Categorise;
  /** This hub's Prometheus metrics (GET /metrics). */
  readonly metrics: HubMetrics;
  /** Rate limits, in Redis when it is configured (infra/rate-limits.ts). */
  readonly limits: RateLimits;
  /** Where photo files live (local disk or S3); their rows are in the database. */
  readonly photoStorage: PhotoStorage;
}

/** The container as one unit of work sees it: the same parts plus an entity manager of its own (a fork). */
export interface ServiceDeps extends AppDeps {
  readonly em: EntityManager;
}
