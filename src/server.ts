import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { execute, parse, validate, specifiedRules, GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { isDomainError } from './domain/errors.js';
import type { Actor } from './domain/actor.js';
import { OPERATOR } from './domain/actor.js';
import type { Logger } from './infra/logger.js';
import { SharedSubscriptions } from './infra/shared-subscriptions.js';
import { SHARED_SUBSCRIPTIONS } from './schema/build-schema.js';
import type { GqlContext } from './resolvers/context.js';
import { codedError, createErrorFormatter } from './resolvers/errors.js';
import { assertCost, limitRules } from './resolvers/limits.js';
import { createScope } from './scope.js';
import { bearer } from './services/auth.service.js';
import type { BotsPort } from './services/bots.port.js';
import type { AppDeps } from './services/context.js';
import type { PhotoService } from './services/photo.service.js';
import { MAX_PHOTO_BYTES } from './domain/photos.js';

export interface HttpServerOptions {
  deps: AppDeps;
  /** The bots, as resolvers may see them (null when they do not run). */
  bots: BotsPort | null;
  schema: GraphQLSchema;
  /** Readiness probes beyond the process being up (database, Redis, bots). */
  readiness: () => Promise<Record<string, boolean | string>>;
  /** Extra routes (e.g. the bot's login QR code). */
  routes?: (app: express.Express) => void;
  /** Where uploaded photos go (POST /photos, GET /photos/<key>). */
  photos: PhotoService;
}

export interface HttpServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** Resolves a bearer token to an actor, or throws a DomainError UNAUTHENTICATED. */
async function authenticate(deps: AppDeps, token: string | null): Promise<Actor> {
  return createScope(deps, OPERATOR).auth.authenticate(token);
}

/**
 * One HTTP server: Apollo for queries and mutations at POST /graphql, graphql-ws for
 * subscriptions on the same port and path, and /healthz, /readyz.
 */
export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { deps, schema } = opts;
  const log: Logger = deps.log.child({ component: 'http' });
  const formatError = createErrorFormatter(log);
  const rules = [...specifiedRules, ...limitRules(deps.config.maxDepth)];
  const app = express();
  app.disable('x-powered-by');
  const server = createServer(app);

  const wss = new WebSocketServer({ server, path: '/graphql' });
  const shared = new SharedSubscriptions({
    fields: SHARED_SUBSCRIPTIONS,
    audienceOf: (args) => {
      const { actor } = (args.contextValue as GqlContext).scope;
      return `${actor.role}:${actor.path}`;
    },
    log,
  });
  const wsCleanup = useServer<{ authorization?: unknown }, { actor?: Actor }>(
    {
      schema,
      execute,
      subscribe: shared.subscribe,
      onConnect: async (ctx) => {
        try {
          ctx.extra.actor = await authenticate(deps, bearer(ctx.connectionParams?.authorization));
          shared.wrapSocket(ctx.extra.socket as unknown as Parameters<SharedSubscriptions['wrapSocket']>[0]);
          return true;
        } catch (err) {
          if (!isDomainError(err)) log.error({ err }, 'websocket authentication failed');
          // 4401 is graphql-ws's Unauthorized close code: the client does not retry it.
          ctx.extra.socket.close(4401, 'UNAUTHENTICATED');
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [new GraphQLError((err as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        try {
          assertCost(schema, document, payload.variables ?? undefined, payload.operationName, deps.config.maxCost);
          // A token revoked or expired since the socket opened stops working for new operations.
          ctx.extra.actor = await authenticate(deps, bearer(ctx.connectionParams?.authorization));
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          if (isDomainError(err)) return [codedError(err.code, err.message)];
          throw err;
        }
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
          contextValue: { scope: createScope(deps, ctx.extra.actor), bots: opts.bots } satisfies GqlContext,
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors?.length) return result;
        // Sent as JSON, so formatted errors stand in for GraphQLError objects.
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } as unknown as typeof result;
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => {
          const f = formatError(e.toJSON(), e);
          return new GraphQLError(f.message, { extensions: f.extensions ?? {} });
        }),
    },
    wss,
  );

  const apollo = new ApolloServer<GqlContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: limitRules(deps.config.maxDepth),
    introspection: true,
    // Shutdown is ours (main → hub.stop() in reverse order); Apollo must not race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ request, document }) {
              assertCost(schema, document, request.variables, request.operationName, deps.config.maxCost);
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await opts.readiness();
    const ready = Object.values(checks).every((v) => v === true || v === 'ok' || v === 'disabled');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  // Photos: raw bytes in, a storage key out, to pass to reportIncident/resolveIncident/verifyIncident.
  const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400, NOT_FOUND: 404, CONFLICT: 409 };
  const sendError = (res: express.Response, err: unknown) => {
    if (!isDomainError(err)) {
      log.error({ err }, 'photo request failed');
      res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'internal error' } });
      return;
    }
    res.status(STATUS[err.code] ?? 400).json({ error: { code: err.code, message: err.message } });
  };
  // Authenticate before reading a body, so nobody without a token makes us buffer 10 MB.
  const requireActor: express.RequestHandler = (req, res, next) => {
    authenticate(deps, bearer(req.headers.authorization)).then(
      (actor) => {
        res.locals['actor'] = actor;
        next();
      },
      (err: unknown) => sendError(res, err),
    );
  };
  app.post('/photos', requireActor, express.raw({ type: () => true, limit: MAX_PHOTO_BYTES + 1 }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    opts.photos.upload(res.locals['actor'] as Actor, body).then((stored) => res.status(201).json(stored), (err: unknown) => sendError(res, err));
  });
  app.get(/^\/(photos\/[0-9a-f]{64}\.(?:jpg|png|webp))$/, requireActor, (req, res) => {
    opts.photos.download((req.params as Record<string, string>)['0']!).then(({ bytes, type }) => res.type(type).send(Buffer.from(bytes)), (err: unknown) => sendError(res, err));
  });
  app.use('/photos', (err: { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'BAD_USER_INPUT', message: `the photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB` } });
      return;
    }
    next(err);
  });
  opts.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          const actor = await authenticate(deps, bearer(req.headers.authorization));
          return { scope: createScope(deps, actor), bots: opts.bots };
        } catch (err) {
          if (isDomainError(err)) throw codedError(err.code, err.message, 401);
          throw err;
        }
      },
    }),
  );

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    // Stops accepting, closes sockets, waits for in-flight requests (Apollo's drain plugin).
    close: () => apollo.stop(),
  };
}
