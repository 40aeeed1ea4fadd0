import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { isDomainError } from './domain/errors.js';
import { capRoutes } from './http/cap.route.js';
import { corsRoutes, verifyOrigin } from './http/cors.js';
import { serveGraphqlWs } from './http/graphql-ws.js';
import { exportRoutes } from './http/export.route.js';
import { healthRoutes, type Readiness } from './http/health.route.js';
import { metricsRoute } from './http/metrics.route.js';
import { operationLabels } from './infra/metrics.js';
import { open311Routes } from './http/open311.route.js';
import { photoRoutes } from './http/photos.route.js';
import { webRoutes } from './http/web.route.js';
import type { GqlContext } from './resolvers/context.js';
import { isDatabaseUnavailable } from './infra/database-errors.js';
import { createErrorFormatter, rateLimitedResponses, requestError, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE, unavailableError } from './resolvers/errors.js';
import { clientAuthenticate } from './http/client-auth.js';
import { assertCost, limitRules, MAX_GRAPHQL_MESSAGE_BYTES } from './resolvers/limits.js';
import { createScope } from './scope.js';
import { bearer } from './services/auth.service.js';
import type { BotsPort } from './services/bots.port.js';
import type { AppDeps } from './services/context.js';
import type { PhotoService } from './services/photo.service.js';

export interface HttpServerOptions {
  deps: AppDeps;
  /** The bots, as resolvers may see them (null when they do not run). */
  bots: BotsPort | null;
  schema: GraphQLSchema;
  /** Readiness probes beyond the process being up (database, Redis, bots). */
  readiness: Readiness;
  /** Extra routes (e.g. the bot's login QR code). */
  routes?: (app: express.Express) => void;
  /** Where uploaded photos go (POST /photos, GET /photos/<key>). */
  photos: PhotoService;
}

export interface HttpServer {
  readonly server: Server;
  /** Whether the command centre page (and the explorer) is served: false when dist/web is not built. */
  readonly page: boolean;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * One HTTP server: Apollo for queries and mutations at POST /graphql, graphql-ws for
 * subscriptions on the same port and path (http/graphql-ws.ts), the command centre page at /
 * and the explorer at GET /graphql (http/web.route.ts), CORS for CORS_ORIGINS, and the routes of http/.
 */
export async function createHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const { deps, schema } = opts;
  const log = deps.log.child({ component: 'http' });
  const formatError = createErrorFormatter(log);
  /** Resolves a bearer token to an actor, or throws UNAUTHENTICATED (RATE_LIMITED after too many failures from one address). */
  const authenticate = clientAuthenticate(deps);
  const app = express();
  app.disable('x-powered-by');
  const server = createServer(app);

  // No permessage-deflate: shared subscription frames are written as they are (http/graphql-ws.ts).
  // A message larger than an HTTP body may be closes the socket (1009).
  const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false, maxPayload: MAX_GRAPHQL_MESSAGE_BYTES, verifyClient: verifyOrigin(deps.config.corsOrigins) });
  const ws = serveGraphqlWs(wss, { deps, schema, feeds: deps.feeds, bots: opts.bots, authenticate });

  const apollo = new ApolloServer<GqlContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: limitRules(deps.config.maxDepth),
    introspection: true,
    // Shutdown is ours (main → hub.stop() in reverse order); Apollo must not race it.
    stopOnTerminationSignals: false,
    plugins: [
      // The explorer is ours (http/web.route.ts): Apollo's landing page loads its sandbox from a CDN.
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await ws.dispose();
            },
          };
        },
      },
      rateLimitedResponses,
      {
        // Metrics: every operation by root field, type and outcome, and its latency.
        async requestDidStart() {
          const done = deps.metrics.operationSeconds.startTimer();
          let labels = { operation: 'unresolved', type: 'unknown' };
          return {
            async didResolveOperation({ operation }) {
              labels = operationLabels(operation);
            },
            async willSendResponse({ response }) {
              const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
              const code = errors?.[0]?.extensions?.['code'];
              deps.metrics.operations.inc({ ...labels, outcome: errors?.length ? (typeof code === 'string' ? code : 'ERROR') : 'ok' });
              done(labels);
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
            // The database is away: 503 with Retry-After, so clients and proxies know to come back.
            async willSendResponse({ response }) {
              if (response.body.kind !== 'single' || !response.body.singleResult.errors?.some((e) => e.extensions?.['code'] === SERVICE_UNAVAILABLE)) return;
              response.http.status = 503;
              response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  healthRoutes(app, opts.readiness);
  metricsRoute(app, { metrics: deps.metrics, access: deps.config.metrics, authenticate, log });
  corsRoutes(app, deps.config.corsOrigins);
  const page = webRoutes(app, { log });
  photoRoutes(app, { photos: opts.photos, authenticate, log });
  open311Routes(app, deps, log);
  capRoutes(app, deps, log);
  exportRoutes(app, { deps, authenticate, log });
  opts.routes?.(app);
  app.use(
    '/graphql',
    express.json({ limit: MAX_GRAPHQL_MESSAGE_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return { scope: createScope(deps, await authenticate(bearer(req.headers.authorization), req.ip)), bots: opts.bots };
        } catch (err) {
          if (isDomainError(err)) throw requestError(err);
          if (isDatabaseUnavailable(err)) throw unavailableError();
          throw err;
        }
      },
    }),
  );

  return {
    server,
    page,
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
