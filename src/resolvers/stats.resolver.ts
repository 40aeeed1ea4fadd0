import { Arg, Ctx, FieldResolver, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { GridEntity } from '../entities/grid.entity.js';
import { toGrid } from '../schema/grid.type.js';
import {
  CategoryStatsType, DayStatsType, DepartmentStatsType, GridStatsType, LeagueEntryType, StatsType,
  toCategoryStats, toDayStats, toDepartmentStats, toGridStats, toLeagueEntry, toStats,
} from '../schema/stats.type.js';
import type { StatsSnapshot } from '../services/stats.service.js';
import type { GqlContext } from './context.js';

/** Grids by id through the request's loader (one query), dropping any the caller cannot see. */
async function gridsOf(ctx: GqlContext, ids: readonly number[]): Promise<Array<GridEntity | null>> {
  return Promise.all(ids.map((id) => ctx.scope.loaders.gridById.load(id)));
}

@Resolver(() => StatsType)
export class StatsResolver {
  @Query(() => StatsType, { description: 'Figures for incidents reported under `scope` (default yours) in [from, to), with breakdowns; read from rollups.' })
  async stats(
    @Arg('scope', () => String, { nullable: true }) scope: string | null,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: GqlContext,
  ): Promise<StatsType> {
    return toStats(await ctx.scope.stats.stats(ctx.scope.actor, scope, from, to));
  }

  @Query(() => [LeagueEntryType], { description: 'The 考核 league of the child grids of `scope` (default yours) for [from, to), best first.' })
  async league(
    @Arg('scope', () => String, { nullable: true }) scope: string | null,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: GqlContext,
  ): Promise<LeagueEntryType[]> {
    const entries = await ctx.scope.stats.league(ctx.scope.actor, scope, from, to);
    const grids = await gridsOf(ctx, entries.map((e) => e.gridId));
    return entries.flatMap((e, i) => (grids[i] ? [toLeagueEntry(e, toGrid(grids[i]))] : []));
  }

  @Subscription(() => StatsType, {
    description: 'Today’s figures (grid time zone) under `scope`, breakdowns included, pushed when incidents change, at most once a second.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { scope?: string | null }, GqlContext>) =>
      context.scope.stats.watch(context.scope.actor, args.scope ?? null),
  })
  statsChanged(@Root() s: StatsSnapshot, @Arg('scope', () => String, { nullable: true }) _scope?: string): StatsType {
    return toStats(s);
  }

  @FieldResolver(() => [GridStatsType], { description: 'By child grid (each child’s whole subtree), in code order; children with no incident left out.' })
  async byGrid(@Root() s: StatsType, @Ctx() ctx: GqlContext): Promise<GridStatsType[]> {
    const slices = await ctx.scope.stats.breakdown(s.snapshot, 'grid');
    const grids = await gridsOf(ctx, slices.map((x) => Number(x.key)));
    const out = slices.flatMap((x, i) => (grids[i] ? [toGridStats(x, toGrid(grids[i]))] : []));
    return out.sort((a, b) => a.grid.code.localeCompare(b.grid.code));
  }

  @FieldResolver(() => [CategoryStatsType], { description: 'By category, most reported first.' })
  async byCategory(@Root() s: StatsType, @Ctx() ctx: GqlContext): Promise<CategoryStatsType[]> {
    return (await ctx.scope.stats.breakdown(s.snapshot, 'category')).map((x) => toCategoryStats(x, x.key));
  }

  @FieldResolver(() => [DepartmentStatsType], { description: 'By the department the incidents are dispatched to, by name across communities (null: none), most reported first.' })
  async byDepartment(@Root() s: StatsType, @Ctx() ctx: GqlContext): Promise<DepartmentStatsType[]> {
    return (await ctx.scope.stats.breakdown(s.snapshot, 'department')).map((x) => toDepartmentStats(x, x.key === '' ? null : x.key));
  }

  @FieldResolver(() => [DayStatsType], { description: 'By day of report (grid time zone), oldest first: the trend; days with no incident left out.' })
  async byDay(@Root() s: StatsType, @Ctx() ctx: GqlContext): Promise<DayStatsType[]> {
    return (await ctx.scope.stats.breakdown(s.snapshot, 'day')).map((x) => toDayStats(x, x.key));
  }
}
