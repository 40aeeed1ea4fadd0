import { Repeater } from '@graphql-yoga/subscription';

type Source<T> = AsyncIterable<T> & { return?: () => unknown };

interface Feed<T> {
  readonly listeners: Set<{ push: (value: T) => unknown; fail: (err: unknown) => void }>;
  readonly source: Source<T>;
}

/**
 * One computation per key, fanned out to every subscriber of that key ("subscriptions execute
 * once per shape", Hasura's lesson): the first subscriber starts the source, later ones share
 * its values, the last one to leave stops it. A failing source ends every subscription of its
 * key with that error; the next subscriber starts afresh.
 */
export class SharedFeeds<T> {
  private readonly feeds = new Map<string, Feed<T>>();

  /** Values of the feed `key`, started with `start()` when nobody watches it yet. */
  subscribe(key: string, start: () => Source<T>): Repeater<T> {
    return new Repeater<T>(async (push, stop) => {
      let feed = this.feeds.get(key);
      if (!feed) feed = this.open(key, start());
      const listener = { push, fail: (err: unknown) => stop(err) };
      feed.listeners.add(listener);
      await stop;
      feed.listeners.delete(listener);
      if (feed.listeners.size === 0 && this.feeds.get(key) === feed) {
        this.feeds.delete(key);
        await feed.source.return?.();
      }
    });
  }

  /** How many feeds run (tests and metrics). */
  get size(): number {
    return this.feeds.size;
  }

  private open(key: string, source: Source<T>): Feed<T> {
    const feed: Feed<T> = { listeners: new Set(), source };
    this.feeds.set(key, feed);
    void (async () => {
      for await (const value of source) {
        for (const l of [...feed.listeners]) {
          try {
            void l.push(value);
          } catch (err) {
            l.fail(err); // a subscriber too far behind (the repeater's queue is full)
          }
        }
      }
    })().catch((err: unknown) => {
      if (this.feeds.get(key) === feed) this.feeds.delete(key);
      for (const l of [...feed.listeners]) l.fail(err);
    });
    return feed;
  }
}
