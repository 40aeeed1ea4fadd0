import { createPubSub, filter, pipe, type PubSubEventTarget, type Repeater } from '@graphql-yoga/subscription';
import { isWithin } from '../domain/grid-levels.js';
import type { Logger } from './logger.js';
import type { RedisClients } from './redis.js';

/**
 * Every live event names the grid it happened in by its ltree `path`, so a subscriber whose
 * scope is path P receives exactly the events whose path lies under P.
 */
export interface ScopedEvent {
  path: string;
}

/** Topics and their payloads: the one typed map all subscriptions use. */
export interface Topics {
  gridChanged: GridChangedEvent;
  incidentChanged: IncidentChangedEvent;
  clearanceChanged: ClearanceChangedEvent;
  instructionIssued: InstructionIssuedEvent;
  instructionChanged: InstructionChangedEvent;
}

/**
 * A change in a clearance round. A confirmation names its grid's path; a change to many grids
 * at once (a round opened, the silent marked missed) names the whole tree (''), so the
 * clearance feed treats an event as relevant when either path contains the other.
 */
export interface ClearanceChangedEvent extends ScopedEvent {
  period: string;
  round: string;
  kind: 'opened' | 'confirmed' | 'missed';
  grid: string | null;
  at: string;
}

/**
 * An instruction just issued; `path` is its scope, so it reaches every subscriber whose scope
 * contains the scope. A snapshot: no subscriber re-reads it.
 */
export interface InstructionIssuedEvent extends ScopedEvent {
  code: string;
  grade: string;
  title: string;
  body: string | null;
  scopeCode: string;
  levels: string[];
  targets: number;
  status: string;
  ackDeadlineAt: string;
  resultDeadlineAt: string;
  issuedAt: string;
  /** Receiving grids no channel reaches (no bound group, no second channel): unreachable from the start. */
  unreachable?: number;
}

/** Something moved an instruction's progress (an answer, an overdue mark, an amendment, the cancellation); `path` is its scope. */
export interface InstructionChangedEvent extends ScopedEvent {
  code: string;
  kind: 'ack' | 'result' | 'overdue' | 'amend' | 'cancel' | 'delivered' | 'unreachable';
  at: string;
}

/** A step of an incident, pushed to subscribers of any ancestor grid. */
export interface IncidentChangedEvent extends ScopedEvent {
  code: string;
  event: string;
  status: string;
  at: string;
}

export const GRID_CHANGE_KINDS = ['CREATED', 'RENAMED', 'RECOLOURED', 'MOVED', 'DELETED', 'MEMBER_REGISTERED'] as const;
export type GridChangeKind = (typeof GRID_CHANGE_KINDS)[number];

/** A change to the grid tree, carrying a snapshot of the grid so no subscriber re-reads it. */
export interface GridChangedEvent extends ScopedEvent {
  kind: GridChangeKind;
  code: string;
  name: string;
  level: string;
  riskColour: string;
  at: string;
  detail: string | null;
}

export interface PubSub {
  publish<K extends keyof Topics>(topic: K, payload: Topics[K]): void;
  /** Events of `topic` whose path lies within `scopePath` (the root scope '' receives all). */
  subscribe<K extends keyof Topics>(topic: K, scopePath: string): Repeater<Topics[K]>;
}

type Args = { [K in keyof Topics as string]: [Topics[keyof Topics]] };

type Listener = ((e: CustomEvent) => void) | { handleEvent(e: CustomEvent): void } | null;

/** How often, and how long apart, a publish that cannot reach Redis is tried again before it is logged and dropped. */
const PUBLISH_ATTEMPTS = 3;
const PUBLISH_RETRY_MS = 1000;

/**
 * An event target over two ioredis clients (as @graphql-yoga/redis-event-target) that never
 * lets a Redis failure escape: a publish is fire-and-forget for the service that calls it, so
 * a rejected publish (Redis stopped: MaxRetriesPerRequestError) is retried a few times, then
 * logged; a failed (un)subscribe is logged, and every topic with listeners is subscribed
 * again when the subscriber reconnects (also one whose SUBSCRIBE failed while Redis was away).
 * Events lost while Redis was away are made good by the live feeds' resync (LiveFeeds.resync).
 */
function redisEventTarget(redis: RedisClients, log: Logger): PubSubEventTarget<Args> {
  const { publisher, subscriber } = redis;
  const callbacks = new Map<string, Set<(e: CustomEvent) => void>>();
  const warn = (action: string, topic: string) => (err: unknown) => log.warn({ component: 'pubsub', topic, err: (err as Error)?.message ?? String(err) }, `redis ${action} failed`);
  // ioredis re-subscribes after a reconnect only to channels the server had confirmed: a
  // SUBSCRIBE refused while Redis was away (a topic's first listener arrived then) would stay
  // lost. So every topic with listeners is subscribed again (SUBSCRIBE is idempotent).
  redis.onReconnect(() => {
    const topics = [...callbacks.keys()];
    if (topics.length) subscriber.subscribe(...topics).catch(warn('resubscribe', topics.join(',')));
  });
  subscriber.on('message', (channel: string, message: string) => {
    const set = callbacks.get(channel);
    if (!set) return;
    let detail: unknown;
    try {
      detail = message === '' ? null : JSON.parse(message);
    } catch (err) {
      warn('message parse', channel)(err);
      return;
    }
    const event = new CustomEvent(channel, { detail });
    for (const cb of set) cb(event);
  });
  const publish = (topic: string, message: string, attempt: number): void => {
    publisher.publish(topic, message).catch((err: unknown) => {
      if (attempt >= PUBLISH_ATTEMPTS) {
        log.error({ component: 'pubsub', topic, attempts: attempt, err: (err as Error)?.message ?? String(err) }, 'redis publish dropped after retries');
        return;
      }
      setTimeout(() => publish(topic, message, attempt + 1), PUBLISH_RETRY_MS * attempt).unref();
    });
  };
  const listener = (l: Exclude<Listener, null>) => ('handleEvent' in l ? (e: CustomEvent) => l.handleEvent(e) : l);
  const bound = new WeakMap<object, (e: CustomEvent) => void>();
  return {
    addEventListener(topic: string, l: Listener) {
      if (!l) return;
      const cb = bound.get(l) ?? listener(l);
      bound.set(l, cb);
      let set = callbacks.get(topic);
      if (!set) {
        callbacks.set(topic, (set = new Set()));
        subscriber.subscribe(topic).catch(warn('subscribe', topic));
      }
      set.add(cb);
    },
    removeEventListener(topic: string, l: Listener) {
      const cb = l && bound.get(l);
      const set = callbacks.get(topic);
      if (!cb || !set) return;
      set.delete(cb);
      if (set.size) return;
      callbacks.delete(topic);
      subscriber.unsubscribe(topic).catch(warn('unsubscribe', topic));
    },
    dispatchEvent(event: CustomEvent) {
      publish(event.type, event.detail === undefined ? '' : JSON.stringify(event.detail), 1);
      return true;
    },
  } as PubSubEventTarget<Args>;
}

/**
 * Redis pub/sub when clients are given (events reach every hub instance), in-process
 * otherwise. Channel names carry `prefix` so hubs or test files can share one Redis.
 */
export function createHubPubSub(prefix: string, redis?: RedisClients, log?: Logger): PubSub {
  const inner = createPubSub<Args>(redis && log ? { eventTarget: redisEventTarget(redis, log) } : {});
  return {
    publish(topic, payload) {
      inner.publish(`${prefix}${topic}`, payload);
    },
    subscribe<K extends keyof Topics>(topic: K, scopePath: string) {
      return pipe(
        inner.subscribe(`${prefix}${topic}`) as Repeater<Topics[K]>,
        filter((event: Topics[K]) => isWithin(event.path, scopePath)),
      ) as Repeater<Topics[K]>;
    },
  };
}
