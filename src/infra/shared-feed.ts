import { Repeater } from '@graphql-yoga/subscription';

type Source<T> = AsyncIterable<T> & { return?: () => unknown };

interface Feed<T> {
  readonly listeners: Set<(value: T) => void>;
  readonly failures: Set<(err: unknown) => void>;
  latest: { value: T } | null;
  readonly source: Source<T>;
}

/**
 * Live queries executed once per shape (Hasura's lesson): every subscriber asking the same
 * thing (the same key, e.g. period and scope) shares one source and one computation, whose
 * results are fanned out. A newcomer gets the latest value at once; the source stops when its
 * last subscriber leaves. One registry per hub instance.
 */
export class SharedFeeds {
  private readonly feeds = new Map<string, Feed<unknown>>();

  /** Subscribers of this process sharing each key (for tests and metrics). */
  get sizes(): Record<string, number> {
    return Object.fromEntries([...this.feeds].map(([k, f]) => [k, f.listeners.size]));
  }

  subscribe<T>(key: string, start: () => Source<T>): Repeater<T> {
    return new Repeater<T>(async (push, stop) => {
      const feed = (this.feeds.get(key) as Feed<T> | undefined) ?? this.startFeed(key, start());
      const listener = (value: T) => void push(value).catch(() => undefined);
      const failure = (err: unknown) => stop(err);
      feed.listeners.add(listener);
      feed.failures.add(failure);
      if (feed.latest) listener(feed.latest.value);
      await stop;
      feed.listeners.delete(listener);
      feed.failures.delete(failure);
      if (feed.listeners.size === 0 && this.feeds.get(key) === feed) {
        this.feeds.delete(key);
        await feed.source.return?.();
      }
    });
  }

  private startFeed<T>(key: string, source: Source<T>): Feed<T> {
    const feed: Feed<T> = { listeners: new Set(), failures: new Set(), latest: null, source };
    this.feeds.set(key, feed as Feed<unknown>);
    void (async () => {
      try {
        for await (const value of source) {
          feed.latest = { value };
          for (const l of [...feed.listeners]) l(value);
        }
      } catch (err) {
        if (this.feeds.get(key) === feed) this.feeds.delete(key);
        for (const f of [...feed.failures]) f(err);
      }
    })();
    return feed;
  }
}

const registries = new WeakMap<object, SharedFeeds>();

/** The registry of one hub instance, keyed by an object it owns (its pub/sub). */
export function sharedFeedsFor(owner: object): SharedFeeds {
  let feeds = registries.get(owner);
  if (!feeds) registries.set(owner, (feeds = new SharedFeeds()));
  return feeds;
}
