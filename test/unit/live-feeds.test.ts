import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { createServer } from 'node:http';
import { Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { loadConfig } from '../../src/config';
import { OPERATOR } from '../../src/domain/actor';
import { serveGraphqlWs } from '../../src/http/graphql-ws';
import { LiveFeeds, UNAVAILABLE_RETRY_MS } from '../../src/infra/live-feeds';
import { HubMetrics } from '../../src/infra/metrics';
import { createLogger } from '../../src/infra/logger';
import type { AppDeps } from '../../src/services/context';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** Reads an async iterable in the background; `values` fills as they arrive. */
function drain<T>(stream: AsyncIterable<T>) {
  const values: T[] = [];
  const it = stream[Symbol.asyncIterator]();
  const done = (async () => {
    for (let r = await it.next(); !r.done; r = await it.next()) values.push(r.value);
  })();
  return { values, done, stop: () => it.return?.() };
}

describe('LiveFeeds', () => {
  it('runs one source per key, whatever the number of watchers, and stops it when the last leaves', async () => {
    const feeds = new LiveFeeds();
    const topic = createPubSub<{ e: [number] }>();
    let started = 0;
    const spec = { events: () => (started++, topic.subscribe('e')) };
    const a = drain(feeds.watch('k', spec));
    const b = drain(feeds.watch('k', spec));
    const other = drain(feeds.watch('other', spec));
    await tick();
    expect(started).toBe(2);
    expect(feeds.sizes).toEqual({ 'feed:k': 2, 'feed:other': 1 });
    topic.publish('e', 1);
    await tick();
    expect([a.values, b.values, other.values]).toEqual([[1], [1], [1]]);

    await a.stop();
    await b.stop();
    await tick();
    expect(feeds.sizes).toEqual({ 'feed:other': 1 });
    await feeds.stop();
    await other.done;
    expect(feeds.sizes).toEqual({});
  });

  it('replays the latest value of a live query to a late joiner, not the last event of an event feed', async () => {
    const feeds = new LiveFeeds();
    const topic = createPubSub<{ e: [number] }>();
    let n = 0;
    const query = drain(feeds.watch('q', { when: () => topic.subscribe('e'), compute: async () => ++n }));
    const events = drain(feeds.watch('e', { events: () => topic.subscribe('e') }));
    await tick();
    topic.publish('e', 7);
    await tick(10);
    expect(query.values).toEqual([1, 2]);
    expect(events.values).toEqual([7]);

    const lateQuery = drain(feeds.watch('q', { when: () => topic.subscribe('e'), compute: async () => ++n }));
    const lateEvents = drain(feeds.watch('e', { events: () => topic.subscribe('e') }));
    await tick(10);
    expect(lateQuery.values).toEqual([2]); // the latest, without computing again
    expect(lateEvents.values).toEqual([]);
    expect(n).toBe(2);
    await feeds.stop();
  });

  it('coalesces a burst: the first event at once, the rest folded into one trailing computation', async () => {
    const feeds = new LiveFeeds();
    const topic = createPubSub<{ e: [number] }>();
    let computed = 0;
    const feed = drain(feeds.watch('c', { when: () => topic.subscribe('e'), compute: async () => ++computed, coalesceMs: 100, atOnce: false }));
    await tick();
    expect(feed.values).toEqual([]); // atOnce: false waits for an event
    for (let i = 0; i < 20; i++) topic.publish('e', i);
    await tick(20);
    expect(feed.values).toEqual([1]);
    for (let i = 0; i < 20; i++) topic.publish('e', i);
    await tick(150);
    expect(feed.values).toEqual([1, 2]);
    await tick(150);
    expect(computed).toBe(2);
    await feeds.stop();
  });

  it('keeps the watchers of a live query while the database is away and computes again until it answers', async () => {
    const feeds = new LiveFeeds();
    let calls = 0;
    const away = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const compute = async () => {
      calls++;
      if (calls <= 2) throw away;
      return calls;
    };
    const feed = drain(feeds.watch('a', { when: () => createPubSub<{ e: [number] }>().subscribe('e'), compute }));
    await tick(UNAVAILABLE_RETRY_MS * 2 + 300);
    expect(feed.values).toEqual([3]);
    expect(feeds.sizes).toEqual({ 'feed:a': 1 });
    await feeds.stop();
    await feed.done;
  });

  it('ends every watcher when a source fails', async () => {
    const feeds = new LiveFeeds();
    const feed = drain(feeds.watch('f', { when: () => createPubSub<{ e: [number] }>().subscribe('e'), compute: () => Promise.reject(new Error('database gone')) }));
    await expect(feed.done).rejects.toThrow('database gone');
    expect(feeds.sizes).toEqual({});
  });
});

describe('subscriptions over graphql-ws through the live feeds', () => {
  const schema = buildSchema(`
    type Query { ok: Boolean }
    type Tick { n: Int! label: String! }
    type Subscription { ticks(room: String!): Tick! level(room: String!): Int! }
  `);
  const topic = createPubSub<{ tick: [{ room: string; n: number }] }>();
  const feeds = new LiveFeeds();
  let executions = 0;
  let level = 0;
  const fields = schema.getSubscriptionType()!.getFields();
  fields['ticks']!.subscribe = (_: unknown, args: { room: string }) => feeds.watch(`ticks|${args.room}`, { events: () => topic.subscribe('tick') });
  fields['ticks']!.resolve = (e: { room: string; n: number }) => (executions++, { n: e.n, label: `${e.room}#${e.n}` });
  fields['level']!.subscribe = (_: unknown, args: { room: string }) => feeds.watch(`level|${args.room}`, { when: () => topic.subscribe('tick'), compute: async () => ++level });
  fields['level']!.resolve = (v: number) => v;

  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/graphql', perMessageDeflate: false });
  const deps = { log: createLogger('silent'), config: loadConfig({}), feeds, metrics: new HubMetrics({ outboxDepth: async () => [], pool: () => null }) } as unknown as AppDeps;
  const ws = serveGraphqlWs(wss, { deps, schema, feeds, bots: null, authenticate: async () => OPERATOR });
  const clients: Client[] = [];
  let url = '';

  beforeAll(async () => {
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(http.address() as { port: number }).port}/graphql`;
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await ws.dispose();
    await feeds.stop();
    await new Promise((r) => http.close(r));
  });

  const subscribe = (query: string, variables: Record<string, unknown>) => {
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    clients.push(client);
    const got: unknown[] = [];
    client.subscribe({ query, variables }, { next: (v) => void got.push(v), error: (e) => void got.push({ error: e }), complete: () => undefined });
    return got;
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await tick(10);
    expect(check()).toBe(true);
  };

  it('executes once per shape and writes the same frame bytes to every socket of the shape', async () => {
    const TICKS = 'subscription($r: String!) { ticks(room: $r) { n label } }';
    const five = Array.from({ length: 5 }, () => subscribe(TICKS, { r: 'a' }));
    const otherShape = subscribe('subscription($r: String!) { ticks(room: $r) { n } }', { r: 'a' });
    // All six subscribed (the server's gauge says so), however slow the machine.
    const active = async () => (await deps.metrics.subscriptions.get()).values.reduce((n, v) => n + v.value, 0);
    for (let i = 0; i < 500 && (await active()) < 6; i++) await tick(10);
    expect(feeds.sizes).toMatchObject({ 'feed:ticks|a': 2 }); // two shapes share the one feed

    const spy = jest.spyOn(Socket.prototype, 'write');
    executions = 0;
    topic.publish('tick', { room: 'a', n: 1 });
    await until(() => five.every((g) => g.length === 1) && otherShape.length === 1);
    const frames = spy.mock.calls.map((c) => c[0]).filter((b): b is Buffer => Buffer.isBuffer(b) && b.includes('"label":"a#1"'));
    spy.mockRestore();

    expect(executions).toBe(2); // one per shape, not six
    expect(five).toEqual(five.map(() => [{ data: { ticks: { n: 1, label: 'a#1' } } }]));
    expect(otherShape).toEqual([{ data: { ticks: { n: 1 } } }]);
    // Serialised once: one buffer holds the payload, and that very buffer went to all five sockets.
    expect(new Set(frames).size).toBe(1);
    expect(frames).toHaveLength(5);
  });

  it('replays the latest result of a live query to a socket that joins its shape late', async () => {
    const LEVEL = 'subscription { level(room: "b") }';
    const first = subscribe(LEVEL, {});
    await until(() => first.length === 1);
    topic.publish('tick', { room: 'b', n: 1 });
    await until(() => first.length === 2);
    const late = subscribe(LEVEL, {});
    await until(() => late.length === 1);
    expect(late).toEqual([first[1]]);
    expect(level).toBe(2); // nothing computed again for the late joiner
  });
});
