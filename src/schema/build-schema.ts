import { buildSchema } from 'type-graphql';
import type { GraphQLSchema } from 'graphql';
import { AuthResolver } from '../resolvers/auth.resolver.js';
import { ClearanceResolver } from '../resolvers/clearance.resolver.js';
import { GridFeedResolver } from '../resolvers/grid-feed.resolver.js';
import { GridResolver } from '../resolvers/grid.resolver.js';
import { IncidentChangeResolver, IncidentResolver } from '../resolvers/incident.resolver.js';
import { StatsResolver } from '../resolvers/stats.resolver.js';
import { InstructionResolver } from '../resolvers/instruction.resolver.js';
import { BotResolver } from '../resolvers/bot.resolver.js';
import { ChannelResolver } from '../resolvers/channel.resolver.js';
import { DemoResolver } from '../resolvers/demo.resolver.js';
import { DepartmentResolver } from '../resolvers/department.resolver.js';
import { ExportResolver } from '../resolvers/export.resolver.js';
import { guardInputText } from '../resolvers/input-guard.js';

/** Every resolver class of the API. */
export const RESOLVERS = [GridResolver, GridFeedResolver, AuthResolver, IncidentResolver, IncidentChangeResolver, BotResolver, ClearanceResolver, InstructionResolver, ChannelResolver, DepartmentResolver, StatsResolver, ExportResolver] as const;

/**
 * Builds the executable schema. `demo` adds `simulateMessage`, which exists only while the bot
 * runs on the mock puppet (the committed schema.graphql is the demo default's).
 */
export async function buildHubSchema(opts: { demo?: boolean } = { demo: true }): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: opts.demo ? [...RESOLVERS, DemoResolver] : [...RESOLVERS],
    validate: false,
    emitSchemaFile: false,
    // Every subscription brings its own `subscribe`, a service's watch method (infra/live-feeds.ts); topics are unused.
    pubSub: {
      publish: () => {
        throw new Error('publish through the hub PubSub, not type-graphql');
      },
      subscribe: () => {
        throw new Error('subscriptions use their own subscribe function');
      },
    },
  });
  return guardInputText(schema);
}
