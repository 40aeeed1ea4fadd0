import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { GridChangedEvent } from '../infra/pubsub.js';
import { GridChangeKindEnum, GridLevelEnum, RiskColourEnum } from '../schema/enums.js';
import { GridChangeType } from '../schema/grid.type.js';
import type { GqlContext } from './context.js';

/** The subtree to watch: the given grid (checked against the caller's scope) or the caller's own. */
export async function scopePathOf(context: GqlContext, code: string | null | undefined): Promise<string> {
  return context.scope.grids.scopePath(context.scope.actor, code);
}

@Resolver()
export class GridFeedResolver {
  @Subscription(() => GridChangeType, {
    description: 'Changes to grids and their members anywhere under `scope` (default: the caller’s subtree).',
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, { scope?: string | null }, GqlContext>) =>
      context.scope.deps.pubsub.subscribe('gridChanged', await scopePathOf(context, args.scope)),
  })
  gridChanged(@Root() event: GridChangedEvent, @Arg('scope', () => String, { nullable: true }) _scope?: string): GridChangeType {
    return Object.assign(new GridChangeType(), {
      kind: event.kind as GridChangeKindEnum,
      code: event.code,
      name: event.name,
      level: event.level as GridLevelEnum,
      riskColor: event.riskColour as RiskColourEnum,
      at: new Date(event.at),
      detail: event.detail,
    });
  }
}
