import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import type { SharingMode } from '../infra/shared-subscriptions.js';
import { AuthResolver } from '../resolvers/auth.resolver.js';
import { GridFeedResolver } from '../resolvers/grid-feed.resolver.js';
import { GridResolver } from '../resolvers/grid.resolver.js';
import { IncidentResolver } from '../resolvers/incident.resolver.js';
import { InstructionResolver } from '../resolvers/instruction.resolver.js';

/** Every resolver class of the API. */
export const RESOLVERS = [GridResolver, GridFeedResolver, AuthResolver, IncidentResolver, InstructionResolver] as const;

/**
 * Subscription fields that execute once per shape (same document, variables, role and subtree)
 * and send the same serialised bytes to every socket (infra/shared-subscriptions.ts).
 */
export const SHARED_SUBSCRIPTIONS: Readonly<Record<string, SharingMode>> = {
  instructionIssued: 'events',
  instructionProgress: 'state',
};

/** Builds the executable schema. */
export async function buildHubSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [...RESOLVERS],
    validate: false,
    emitSchemaFile: false,
    // Every subscription brings its own scoped `subscribe` (infra/pubsub.ts); topics are unused.
    pubSub: {
      publish: () => {
        throw new Error('publish through the hub PubSub, not type-graphql');
      },
      subscribe: () => {
        throw new Error('subscriptions use their own subscribe function');
      },
    },
  });
}
