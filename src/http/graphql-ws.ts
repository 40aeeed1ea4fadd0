/**
 * The hub's one graphql-ws integration: subscriptions (and queries over WebSocket) on the
 * HTTP server's `/graphql`, every subscription through the live-feed mechanism.
 *
 * Why this module reaches past graphql-ws: graphql-ws runs graphql `subscribe` for every
 * operation and stringifies and frames every result for every socket, which makes 10,000
 * dashboards cost 10,000 executions per event. Here an operation joins the live-feed channel
 * of its shape (document, variables, role, subtree): the shape executes once per event, the
 * result is serialised once into one buffer, and every socket gets one WebSocket frame written
 * as three pieces: the frame header (one per message length, shared), its own
 * `{"id":…,"type":"next","payload":` (built once when it subscribes) and the shared payload
 * buffer — the same bytes for every socket, never copied per socket.
 * graphql-ws still owns the protocol: it receives an iterator per operation that yields
 * nothing and ends when the shape ends (then it sends `complete`) or fails (then `error`),
 * and its `return()` (client `complete`, socket closed) detaches the socket.
 */
import { createSourceEventStream, execute, getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Duplex } from 'node:stream';
import { WebSocket, type WebSocketServer } from 'ws';
import { Repeater } from '@graphql-yoga/subscription';
import { isDomainError } from '../domain/errors.js';
import type { Actor } from '../domain/actor.js';
import type { LiveFeeds } from '../infra/live-feeds.js';
import type { Logger } from '../infra/logger.js';
import { operationLabels } from '../infra/metrics.js';
import type { GqlContext } from '../resolvers/context.js';
import { isDatabaseUnavailable } from '../infra/database-errors.js';
import { codedError, createErrorFormatter, unavailableError } from '../resolvers/errors.js';
import { assertCost, limitRules } from '../resolvers/limits.js';
import { createScope, type Scope } from '../scope.js';
import type { BotsPort } from '../services/bots.port.js';
import type { AppDeps } from '../services/context.js';
import { bearer } from '../services/auth.service.js';
import type { Authenticate } from './client-auth.js';

export interface GraphqlWsOptions {
  deps: AppDeps;
  schema: GraphQLSchema;
  feeds: LiveFeeds;
  /** The bots as the API sees them (null without bots). */
  bots: BotsPort | null;
  /** Resolves a bearer token presented from an address to an actor, or throws UNAUTHENTICATED / RATE_LIMITED. */
  authenticate: Authenticate;
}

/** A result as every socket of its shape receives it: serialised once. */
export interface SharedFrame {
  /** The payload JSON and the message's closing brace. */
  readonly payload: Buffer;
  /** Frame headers by the length of a socket's message prefix (operation ids have few lengths). */
  readonly headers: Map<number, Buffer>;
}

/** Where one operation's frames go. */
interface Target {
  readonly socket: WebSocket;
  readonly id: string;
  readonly actor: Actor;
}

/** `ws`'s public frame builder (exported at run time, missing from @types/ws). */
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, opts: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[] } };

/** The start of a `next` message for operation `id`: everything before the payload. */
export const messagePrefix = (id: string): Buffer => Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);

/** A result serialised once, with the closing brace of the message. */
export const sharedFrame = (payload: unknown): SharedFrame => ({ payload: Buffer.from(`${JSON.stringify(payload)}}`), headers: new Map() });

/** The header of an unmasked, final text frame of `length` bytes (server frames are never masked). */
function headerOf(shared: SharedFrame, prefixLength: number): Buffer {
  let header = shared.headers.get(prefixLength);
  if (!header) {
    const length = prefixLength + shared.payload.length;
    // Sender.frame only reads the data's length when given a buffer of it; the header is its first element.
    header = Sender.frame(Buffer.allocUnsafe(length), { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false })[0]!;
    shared.headers.set(prefixLength, header);
  }
  return header;
}

/**
 * Writes one message as one frame in three pieces, corked into one write. Straight to the TCP
 * socket: `ws` itself writes each frame synchronously (its sender queues only while
 * compressing or reading a Blob, and this server neither compresses nor sends Blobs), so
 * frames never interleave with graphql-ws's own messages.
 */
function writeMessage(socket: WebSocket, prefix: Buffer, shared: SharedFrame): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  const raw = (socket as unknown as { _socket: Duplex })._socket;
  raw.cork();
  raw.write(headerOf(shared, prefix.length));
  raw.write(prefix);
  raw.write(shared.payload);
  raw.uncork();
}

/** A context whose scope (an entity manager, loaders, services) is built only if a resolver asks. */
function lazyContext(deps: AppDeps, actor: Actor, bots: BotsPort | null): GqlContext {
  let scope: Scope | undefined;
  return {
    bots,
    get scope() {
      return (scope ??= createScope(deps, actor));
    },
  };
}

/**
 * One operation's iterator as graphql-ws sees it: it yields nothing (frames are written
 * directly), ends when the shape's channel ends, fails when it fails; `return()` detaches.
 */
class OperationEnd implements AsyncIterableIterator<never, undefined> {
  private settle!: (r: IteratorResult<never, undefined>) => void;
  private fail!: (err: unknown) => void;
  private readonly ended = new Promise<IteratorResult<never, undefined>>((resolve, reject) => {
    this.settle = resolve;
    this.fail = reject;
  });
  detach: () => void = () => undefined;

  constructor() {
    // graphql-ws awaits next() at once; this only keeps an early failure from counting as unhandled.
    this.ended.catch(() => undefined);
  }

  end(err?: unknown): void {
    if (err === undefined) this.settle({ done: true, value: undefined });
    else this.fail(err);
  }
  next(): Promise<IteratorResult<never, undefined>> {
    return this.ended;
  }
  return(): Promise<IteratorResult<never, undefined>> {
    this.detach();
    this.settle({ done: true, value: undefined });
    return this.ended.catch(() => ({ done: true, value: undefined }) as const);
  }
  throw(err: unknown): Promise<IteratorResult<never, undefined>> {
    this.detach();
    this.fail(err);
    return this.ended;
  }
  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Parsed and validated documents by query text: 10,000 dashboards send a handful of texts. */
const DOCUMENT_CACHE = 500;

/** Serves graphql-ws on `wss`; returns its disposer. */
export function serveGraphqlWs(wss: WebSocketServer, opts: GraphqlWsOptions): { dispose: () => Promise<void> } {
  const { deps, schema, feeds, authenticate } = opts;
  const log: Logger = deps.log.child({ component: 'ws' });
  const formatError = createErrorFormatter(log);
  const rules = [...specifiedRules, ...limitRules(deps.config.maxDepth)];
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const targets = new WeakMap<ExecutionArgs, Target>();

  const documentOf = (query: string): DocumentNode | readonly GraphQLError[] => {
    let entry = documents.get(query);
    if (entry) return entry;
    try {
      const document = parse(query);
      const errors = validate(schema, document, rules);
      entry = errors.length ? errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) : document;
    } catch (err) {
      entry = [new GraphQLError((err as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
    }
    if (documents.size >= DOCUMENT_CACHE) documents.delete(documents.keys().next().value!);
    documents.set(query, entry);
    return entry;
  };

  /** A result with its errors in the shape clients see (domain codes, internal errors masked). */
  const formatted = (result: ExecutionResult) => (result.errors?.length ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : result);

  /** The shape's source: one graphql source stream, one execution and one serialisation per event. */
  const shapeSource = (args: ExecutionArgs, actor: Actor, state: { replay: boolean }) =>
    new Repeater<SharedFrame>(async (push, stop) => {
      const stream = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in stream)) {
        // Refused (e.g. NOT_FOUND): the same answer for every socket of the shape.
        void push(sharedFrame(formatted(stream)));
        stop();
        return;
      }
      state.replay = feeds.replays(stream);
      void stop.then(() => (stream as AsyncGenerator).return(undefined));
      for await (const event of stream) {
        const result = await execute({ ...args, rootValue: event, contextValue: lazyContext(deps, actor, opts.bots) });
        void push(sharedFrame(formatted(result)));
      }
      stop();
    });

  const subscribe = (args: ExecutionArgs): AsyncIterableIterator<never, undefined> => {
    const { socket, id, actor } = targets.get(args)!;
    const key = JSON.stringify(['shape', actor.role, actor.path, args.document.loc?.source.body ?? '', args.operationName ?? null, args.variableValues ?? null]);
    const prefix = messagePrefix(id);
    const op = new OperationEnd();
    const state = { replay: false };
    // Counted while it runs: until the client completes it, the socket closes or the feed ends.
    const field = { field: operationLabels(getOperationAST(args.document, args.operationName)).operation };
    let active = true;
    const release = () => {
      if (active) deps.metrics.subscriptions.dec(field);
      active = false;
    };
    deps.metrics.subscriptions.inc(field);
    const detach = feeds.join<SharedFrame>(key, () => shapeSource(args, actor, state), { replay: () => state.replay }, {
      next: (f) => writeMessage(socket, prefix, f),
      end: (err) => {
        release();
        op.end(err);
      },
    });
    op.detach = () => {
      release();
      detach();
    };
    return op;
  };

  wss.on('connection', (socket) => {
    deps.metrics.websockets.inc();
    socket.once('close', () => deps.metrics.websockets.dec());
  });

  const server = useServer<{ authorization?: unknown }, { actor?: Actor }>(
    {
      schema,
      // Queries and mutations over the socket count in the operation metrics as over HTTP.
      execute: async (args: ExecutionArgs) => {
        const labels = operationLabels(getOperationAST(args.document, args.operationName));
        const done = deps.metrics.operationSeconds.startTimer(labels);
        const result = await execute(args);
        const code = result.errors?.[0] ? formatError(result.errors[0].toJSON(), result.errors[0]).extensions?.['code'] : undefined;
        deps.metrics.operations.inc({ ...labels, outcome: result.errors?.length ? (typeof code === 'string' ? code : 'ERROR') : 'ok' });
        done();
        return result;
      },
      subscribe,
      onConnect: async (ctx) => {
        try {
          ctx.extra.actor = await authenticate(bearer(ctx.connectionParams?.authorization), ctx.extra.request.socket.remoteAddress);
          return true;
        } catch (err) {
          if (isDatabaseUnavailable(err)) {
            // 1013 "try again later": unlike 4401, graphql-ws clients retry it.
            ctx.extra.socket.close(1013, 'SERVICE_UNAVAILABLE');
            return false;
          }
          if (!isDomainError(err)) log.error({ err }, 'websocket authentication failed');
          // 4401 is graphql-ws's Unauthorized close code: the client does not retry it; 4429 too many failed tries from this address.
          if (isDomainError(err) && err.code === 'RATE_LIMITED') ctx.extra.socket.close(4429, 'RATE_LIMITED');
          else ctx.extra.socket.close(4401, 'UNAUTHENTICATED');
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const document = documentOf(payload.query);
        if (!('kind' in document)) return [...document];
        try {
          assertCost(schema, document, payload.variables ?? undefined, payload.operationName, deps.config.maxCost);
          // A token revoked or expired since the socket opened stops working for new operations.
          ctx.extra.actor = await authenticate(bearer(ctx.connectionParams?.authorization), ctx.extra.request.socket.remoteAddress);
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          if (isDomainError(err)) return [codedError(err.code, err.message)];
          if (isDatabaseUnavailable(err)) return [unavailableError()];
          throw err;
        }
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
          contextValue: lazyContext(deps, ctx.extra.actor, opts.bots),
        };
        targets.set(args, { socket: ctx.extra.socket as unknown as WebSocket, id, actor: ctx.extra.actor });
        return args;
      },
      // Queries and mutations over WebSocket; subscriptions write their frames themselves.
      onNext: (_ctx, _id, _payload, _args, result) => formatted(result) as typeof result,
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => {
          const f = formatError(e.toJSON(), e);
          return new GraphQLError(f.message, { extensions: f.extensions ?? {} });
        }),
    },
    wss,
  );
  return { dispose: async () => server.dispose() };
}
