import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, filter, pipe, type Repeater } from '@graphql-yoga/subscription';
import { isWithin } from '../domain/grid-levels.js';
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
}

/** Something moved an instruction's progress (an answer, an overdue mark, an amendment, the cancellation); `path` is its scope. */
export interface InstructionChangedEvent extends ScopedEvent {
  code: string;
  kind: 'ack' | 'result' | 'overdue' | 'amend' | 'cancel';
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

/**
 * Redis pub/sub when clients are given (events reach every hub instance), in-process
 * otherwise. Channel names carry `prefix` so hubs or test files can share one Redis.
 */
export function createHubPubSub(prefix: string, redis?: RedisClients): PubSub {
  const inner = createPubSub<Args>(
    redis ? { eventTarget: createRedisEventTarget({ publishClient: redis.publisher, subscribeClient: redis.subscriber }) } : {},
  );
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
