import { Repeater } from '@graphql-yoga/subscription';
import { isDatabaseUnavailable } from './database-errors.js';

/** Receives a channel's values, then `end` once when the channel stops (with its error, if it failed). */
export interface FeedListener<T> {
  next(value: T): void;
  end(err?: unknown): void;
}

/** A stream of happenings: every event is a value as it is; a late joiner starts with the next one. */
export interface EventFeed<T> {
  readonly events: () => AsyncIterable<T>;
}

/**
 * A live query: computed at once (unless `atOnce` is false), then again after the events
 * `when` yields. Only the latest value matters, so a late joiner first gets the latest one.
 */
export interface QueryFeed<T> {
  readonly when: () => AsyncIterable<unknown>;
  readonly compute: () => Promise<T>;
  /**
   * At most one computation per this many milliseconds: the first event after a quiet spell is
   * answered at once, later ones fold into one trailing computation. 0 (default) computes
   * after every event, one at a time.
   */
  readonly coalesceMs?: number;
  /** Compute when the feed starts (default true); false waits for the first event. */
  readonly atOnce?: boolean;
}

/** What a live feed computes and when it recomputes: a service method describes one. */
export type FeedSpec<T> = EventFeed<T> | QueryFeed<T>;

/** How a channel treats its subscribers. */
export interface ChannelOptions {
  /**
   * A late joiner first receives the latest value (a state), not only the next ones (events).
   * A function when the source itself tells, once started.
   */
  readonly replay: boolean | (() => boolean);
}

interface Channel<T> {
  readonly listeners: Set<FeedListener<T>>;
  readonly replay: () => boolean;
  latest: { value: T } | null;
  stop: () => void;
  done: Promise<void>;
}

const noop = () => undefined;

/**
 * The one live-feed mechanism. A channel is one running source shared by every subscriber that
 * asks the same thing (its key): the source runs once, each value reaches every subscriber, a
 * late joiner gets the latest value when the channel replays, and the source stops when its
 * last subscriber leaves. Services declare feeds with {@link watch} (what to compute, when to
 * recompute, how often at most); the GraphQL transport joins one channel per subscription shape
 * (document, variables, role, subtree) so a result is executed and serialised once for all its
 * sockets (http/graphql-ws.ts). One registry per hub, built and stopped by the composition root.
 */
export class LiveFeeds {
  private readonly channels = new Map<string, Channel<unknown>>();
  private readonly replaying = new WeakSet<object>();
  /** One recompute trigger per running live query (see {@link resync}). */
  private readonly recomputes = new Set<() => void>();
  private stopped = false;

  /** Subscribers per running channel (for tests and metrics). */
  get sizes(): Record<string, number> {
    return Object.fromEntries([...this.channels].map(([k, c]) => [k, c.listeners.size]));
  }

  /**
   * Attaches `listener` to the channel `key`, starting it with `start` when none runs. Returns
   * the detach function; the last one to detach stops the source.
   */
  join<T>(key: string, start: () => AsyncIterable<T>, opts: ChannelOptions, listener: FeedListener<T>): () => void {
    if (this.stopped) {
      listener.end();
      return noop;
    }
    const channel = (this.channels.get(key) as Channel<T> | undefined) ?? this.open(key, start, opts.replay);
    channel.listeners.add(listener);
    if (channel.latest && channel.replay()) listener.next(channel.latest.value);
    return () => {
      if (!channel.listeners.delete(listener) || channel.listeners.size > 0) return;
      if (this.channels.get(key) === channel) this.channels.delete(key);
      channel.stop();
    };
  }

  /**
   * A feed shared by every watcher of `key` in this hub, as the async iterable a subscription
   * resolver returns. Query feeds replay their latest value to late joiners; event feeds do not.
   */
  watch<T>(key: string, spec: FeedSpec<T>): AsyncIterable<T> {
    const replay = 'compute' in spec;
    const start = replay ? () => liveQuery(spec, this.recomputes) : spec.events;
    const stream = new Repeater<T>(async (push, stop) => {
      const detach = this.join<T>(`feed:${key}`, start, { replay }, { next: (v) => void push(v).catch(noop), end: (err) => stop(err) });
      await stop;
      detach();
    });
    if (replay) this.replaying.add(stream);
    return stream;
  }

  /** True for a stream from {@link watch} whose latest value is a state to replay to late joiners. */
  replays(stream: object): boolean {
    return this.replaying.has(stream);
  }

  /**
   * Recomputes every running live query (within its coalescing interval): events that never
   * arrived (Redis was away) must not leave a dashboard stale. Event feeds have nothing to redo.
   */
  resync(): void {
    for (const recompute of this.recomputes) recompute();
  }

  /** Stops every channel (their subscribers see the end) and refuses new ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running = [...this.channels.values()];
    this.channels.clear();
    for (const c of running) c.stop();
    await Promise.all(running.map((c) => c.done));
  }

  private open<T>(key: string, start: () => AsyncIterable<T>, replay: ChannelOptions['replay']): Channel<T> {
    const iterator = start()[Symbol.asyncIterator]();
    const channel: Channel<T> = { listeners: new Set(), replay: typeof replay === 'function' ? replay : () => replay, latest: null, stop: () => void iterator.return?.()?.catch(noop), done: Promise.resolve() };
    this.channels.set(key, channel as Channel<unknown>);
    channel.done = (async () => {
      let failure: unknown;
      try {
        for (;;) {
          const step = await iterator.next();
          if (step.done) break;
          channel.latest = { value: step.value };
          for (const l of channel.listeners) l.next(step.value);
        }
      } catch (err) {
        failure = err ?? new Error(`live feed ${key} failed`);
      }
      if (this.channels.get(key) === channel) this.channels.delete(key);
      const listeners = [...channel.listeners];
      channel.listeners.clear();
      for (const l of listeners) l.end(failure);
    })();
    return channel;
  }
}

/** How soon a live query whose computation found the database away tries again. */
export const UNAVAILABLE_RETRY_MS = 1_000;

/** A query feed's source: computed at once, then after events, one computation at a time, coalesced. */
function liveQuery<T>(spec: QueryFeed<T>, recomputes: Set<() => void>): Repeater<T> {
  const interval = spec.coalesceMs ?? 0;
  return new Repeater<T>(async (push, stop) => {
    const events = spec.when()[Symbol.asyncIterator]();
    let last = 0;
    let running = false;
    let dirty = false;
    let stopped = false;
    let timer: NodeJS.Timeout | null = null;
    const run = async (): Promise<void> => {
      timer = null;
      running = true;
      dirty = false;
      last = Date.now();
      try {
        void push(await spec.compute()).catch(noop);
      } catch (err) {
        // The database is away: subscribers keep the last value, and it is computed again
        // until the database answers (then dashboards are current without resubscribing).
        if (isDatabaseUnavailable(err) && !stopped) {
          timer = setTimeout(() => void run(), UNAVAILABLE_RETRY_MS);
          return;
        }
        stop(err);
        return;
      } finally {
        running = false;
      }
      if (dirty) schedule();
    };
    const schedule = () => {
      if (stopped) return;
      if (running) dirty = true;
      else if (!timer) timer = setTimeout(() => void run(), Math.max(0, last + interval - Date.now()));
    };
    if (spec.atOnce ?? true) void run();
    recomputes.add(schedule);
    void (async () => {
      for (let e = await events.next(); !e.done; e = await events.next()) schedule();
    })().catch((err: unknown) => stop(err));
    await stop;
    recomputes.delete(schedule);
    stopped = true;
    if (timer) clearTimeout(timer);
    await events.return?.();
  });
}
