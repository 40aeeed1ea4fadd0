import { Arg, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { GridChangedEvent } from '../infra/pubsub.js';
import { GridChangeKindEnum, GridLevelEnum, RiskColourEnum } from '../schema/enums.js';
import { GridChangeType } from '../schema/grid.type.js';
import type { GqlContext } from './context.js';

@Resolver()
export class GridFeedResolver {
  @Subscription(() => GridChangeType, {
    description: 'Changes to grids and their members anywhere under `scope` (default: the caller’s subtree).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { scope?: string | null }, GqlContext>) => context.scope.grids.watchChanges(context.scope.actor, args.scope ?? null),
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
