import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { ClearancePeriod } from '../domain/clearance-periods.js';
import {
  ClearanceConfirmationType,
  ClearancePeriodEnum,
  ClearanceRecordType,
  ClearanceRoundType,
  ClearanceSlotStatusEnum,
  ClearanceSlotType,
  toConfirmation,
  toRecord,
  toRound,
  toSlot,
} from '../schema/clearance.type.js';
import type { RoundView } from '../services/clearance.service.js';
import { confirmationText } from '../texts/zh/index.js';
import type { GqlContext } from './context.js';

const present = (ctx: GqlContext, v: RoundView | null): ClearanceRoundType | null => (v ? toRound(v, ctx.scope.clearance.firstDay(v.round)) : null);

@Resolver(() => ClearanceRoundType)
export class ClearanceResolver {
  @Query(() => ClearanceRoundType, { nullable: true, description: 'The round of `period` covering `date` (YYYY-MM-DD, default today in TZ_GRID) under `scope`; null when not opened.' })
  async clearanceRound(
    @Arg('period', () => ClearancePeriodEnum, { defaultValue: ClearancePeriodEnum.DAILY }) period: ClearancePeriodEnum,
    @Arg('date', () => String, { nullable: true }) date: string | null,
    @Arg('scope', () => String, { nullable: true }) scope: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<ClearanceRoundType | null> {
    return present(ctx, await ctx.scope.clearance.round(ctx.scope.actor, period, date, scope));
  }

  @FieldResolver(() => [ClearanceSlotType], { description: 'The grids’ answers under the scope, by grid code; `after` is the last code of the previous page.' })
  slots(
    @Root() round: ClearanceRoundType,
    @Arg('status', () => ClearanceSlotStatusEnum, { nullable: true }) status: ClearanceSlotStatusEnum | null,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<ClearanceSlotType[]> {
    return ctx.scope.clearance.slots(round.roundId, round.scopePath, status, first, after).then((rows) => rows.map(toSlot));
  }

  @Mutation(() => ClearanceConfirmationType, { description: 'Confirm the current round for a grid (default your own): 日清/周清/月清, or a zero report.' })
  async confirmClearance(
    @Arg('period', () => ClearancePeriodEnum, { defaultValue: ClearancePeriodEnum.DAILY }) period: ClearancePeriodEnum,
    @Arg('grid', () => String, { nullable: true }) grid: string | null,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Arg('zeroReport', () => Boolean, { defaultValue: false }) zeroReport: boolean,
    @Ctx() ctx: GqlContext,
  ): Promise<ClearanceConfirmationType> {
    const r = await ctx.scope.clearance.confirm(ctx.scope.actor, { period, grid, note, zeroReport, source: 'graphql' });
    return toConfirmation(r, confirmationText(r, ctx.scope.deps.config.timeZone));
  }

  @Query(() => ClearanceRecordType, { description: 'A grid’s on-time rate and streak over its latest `last` rounds of `period` (考核).' })
  async clearanceRecord(
    @Arg('grid', () => String) grid: string,
    @Arg('period', () => ClearancePeriodEnum, { defaultValue: ClearancePeriodEnum.DAILY }) period: ClearancePeriodEnum,
    @Arg('last', () => Int, { defaultValue: 30 }) last: number,
    @Ctx() ctx: GqlContext,
  ): Promise<ClearanceRecordType> {
    return toRecord(await ctx.scope.clearance.record(ctx.scope.actor, grid, period, last));
  }

  @Subscription(() => ClearanceRoundType, {
    nullable: true,
    description: 'The current round under `scope` (default yours), at once and on every change, at most once a second; computed once per scope and period, shared by all subscribers.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { scope?: string | null; period?: ClearancePeriod }, GqlContext>) =>
      context.scope.clearance.watchProgress(context.scope.actor, args.period ?? 'daily', args.scope ?? null),
  })
  clearanceProgress(
    @Root() view: RoundView | null,
    @Ctx() ctx: GqlContext,
    @Arg('scope', () => String, { nullable: true }) _scope?: string,
    @Arg('period', () => ClearancePeriodEnum, { defaultValue: ClearancePeriodEnum.DAILY }) _period?: ClearancePeriodEnum,
  ): ClearanceRoundType | null {
    return present(ctx, view);
  }
}
