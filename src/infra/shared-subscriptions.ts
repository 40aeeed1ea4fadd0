import { Repeater } from '@graphql-yoga/subscription';
import { Kind, getOperationAST, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Logger } from './logger.js';

/**
 * How a shared subscription treats a socket that joins an execution already running:
 * `events` streams (instructionIssued) start with the next event; `state` streams
 * (instructionProgress) first replay the latest value, which is the current state.
 */
export type SharingMode = 'events' | 'state';

export interface SharedSubscriptionsOptions {
  /** Root subscription fields that share executions, and how. */
  readonly fields: Readonly<Record<string, SharingMode>>;
  /** Everything besides the operation that can change a result (the actor's role and subtree). */
  readonly audienceOf: (args: ExecutionArgs) => string;
  /** Where a failed source stream is reported (its sockets see the stream end). */
  readonly log: Pick<Logger, 'error'>;
}

/** Receives each shared result, then null when the shared stream ends. */
type Listener = (result: ExecutionResult | null) => void;

interface Feed {
  readonly listeners: Set<Listener>;
  readonly mode: SharingMode;
  last: ExecutionResult | null;
  stop: () => void;
}

/** `"payload":"<marker><n>"` is swapped for the result serialised once; the marker cannot come from a client. */
const MARKER = '\u0001gridhub-shared:';
const ESCAPED = JSON.stringify(MARKER).slice(1, -1);

/**
 * Subscriptions execute once per shape (Hasura's lesson, docs/domain-rules.md#lessons): operations with the same
 * document, variables and audience share one graphql `subscribe`; each result is serialised
 * once and the same bytes go to every socket. graphql-ws still frames a message per
 * operation id, so results travel as a marker that {@link SharedSubscriptions.wrapSocket}
 * swaps for the serialised payload at send time.
 */
export class SharedSubscriptions {
  private readonly feeds = new Map<string, Feed>();
  private readonly serialised = new Map<number, { json: string; pending: number; at: number }>();
  private nextId = 1;

  constructor(private readonly opts: SharedSubscriptionsOptions) {}

  /** Live executions (one per shape) and the sockets attached to them, for tests and metrics. */
  stats(): { executions: number; subscribers: number } {
    let subscribers = 0;
    for (const f of this.feeds.values()) subscribers += f.listeners.size;
    return { executions: this.feeds.size, subscribers };
  }

  /** graphql-ws `subscribe`: shared for the configured root fields, graphql's own otherwise. */
  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
    const op = getOperationAST(args.document, args.operationName);
    const first = op?.selectionSet.selections[0];
    const mode = op?.selectionSet.selections.length === 1 && first?.kind === Kind.FIELD ? this.opts.fields[first.name.value] : undefined;
    if (!mode) return subscribe(args);
    const key = JSON.stringify([this.opts.audienceOf(args), args.document.loc?.source.body ?? '', args.operationName ?? null, args.variableValues ?? null]);
    let feed = this.feeds.get(key);
    if (!feed) {
      const source = await subscribe(args);
      if (!(Symbol.asyncIterator in source)) return source; // refused (e.g. NOT_FOUND): this socket only
      feed = this.feeds.get(key) ?? this.start(key, mode, source);
    }
    return this.attach(key, feed);
  };

  private start(key: string, mode: SharingMode, source: AsyncGenerator<ExecutionResult>): Feed {
    const feed: Feed = { listeners: new Set(), mode, last: null, stop: () => void source.return(undefined) };
    this.feeds.set(key, feed);
    void (async () => {
      try {
        for await (const result of source) {
          const out = result.errors?.length ? result : this.share(result, feed.listeners.size);
          if (feed.mode === 'state') feed.last = out;
          for (const l of feed.listeners) l(out);
        }
      } finally {
        if (this.feeds.get(key) === feed) this.feeds.delete(key);
        for (const l of feed.listeners) l(null);
      }
    })().catch((err: unknown) => this.opts.log.error({ err }, 'shared subscription source failed'));
    return feed;
  }

  private attach(key: string, feed: Feed): Repeater<ExecutionResult> {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const listener: Listener = (r) => {
        if (r === null) stop();
        else void push(r);
      };
      feed.listeners.add(listener);
      if (feed.last) void push(this.reshare(feed.last));
      await stop;
      feed.listeners.delete(listener);
      if (feed.listeners.size === 0 && this.feeds.get(key) === feed) {
        this.feeds.delete(key);
        feed.stop();
      }
    });
  }

  /** A result whose JSON is computed once; every socket's message carries a marker for it. */
  private share(result: ExecutionResult, receivers: number): ExecutionResult {
    const id = this.nextId++;
    const json = JSON.stringify(result);
    this.serialised.set(id, { json, pending: receivers, at: Date.now() });
    this.sweep();
    const marker = `${MARKER}${id}`;
    // An own property: graphql-ws spreads the result before serialising the message.
    return { toJSON: () => marker } as unknown as ExecutionResult;
  }

  /** A late joiner of a state stream gets the latest value, as one more receiver of its bytes. */
  private reshare(result: ExecutionResult): ExecutionResult {
    const marker = (result as { toJSON?: () => string }).toJSON?.();
    const entry = marker ? this.serialised.get(Number(marker.slice(MARKER.length))) : undefined;
    if (entry) entry.pending++;
    return result;
  }

  /** Entries whose receivers went away before sending are dropped after a minute. */
  private sweep(): void {
    if (this.serialised.size < 1000) return;
    const old = Date.now() - 60_000;
    for (const [id, e] of this.serialised) if (e.at < old) this.serialised.delete(id);
  }

  /** Expands markers in an outgoing graphql-ws message into the shared payload. */
  expand(data: string): string {
    const at = data.lastIndexOf(`"${ESCAPED}`);
    if (at < 0 || !data.endsWith('"}')) return data;
    const id = Number(data.slice(at + 1 + ESCAPED.length, -2));
    const entry = this.serialised.get(id);
    if (!entry) return data;
    if (--entry.pending <= 0 && this.feedsHaveMoved(id)) this.serialised.delete(id);
    return `${data.slice(0, at)}${entry.json}}`;
  }

  /** A state stream's latest value may still be replayed; keep it while it is the latest. */
  private feedsHaveMoved(id: number): boolean {
    for (const f of this.feeds.values()) {
      const m = (f.last as { toJSON?: () => string } | null)?.toJSON?.();
      if (m === `${MARKER}${id}`) return false;
    }
    return true;
  }

  /** Makes a ws socket send shared payloads: call once per connection. */
  wrapSocket(socket: { send: (data: string, ...rest: never[]) => void }): void {
    const send = socket.send.bind(socket);
    socket.send = (data: string, ...rest: never[]) => send(typeof data === 'string' ? this.expand(data) : data, ...rest);
  }
}
