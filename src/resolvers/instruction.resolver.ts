import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { GridLevel } from '../domain/grid-levels.js';
import type { InstructionGrade } from '../domain/instruction-grades.js';
import type { InstructionEntity } from '../entities/instruction.entity.js';
import type { InstructionIssuedEvent } from '../infra/pubsub.js';
import type { InstructionWithProgress } from '../services/instruction.service.js';
import {
  ChildProgressType,
  InstructionAnswerType,
  InstructionGridRef,
  InstructionProgressType,
  InstructionReceiptType,
  InstructionType,
  InstructionUnreachableType,
  InstructionUpdateType,
  IssueInstructionInput,
  LevelProgressType,
  instructionFromEvent,
  toAnswer,
  toInstruction,
  toProgress,
  toReceipt,
  toUpdate,
} from '../schema/instruction.type.js';
import type { GqlContext } from './context.js';

const entityOf = async (ctx: GqlContext, i: InstructionType): Promise<InstructionEntity> =>
  (i.entity ??= await ctx.scope.instructions.get(ctx.scope.actor, i.code));

@Resolver(() => InstructionType)
export class InstructionResolver {
  @Query(() => InstructionType, { description: 'One instruction by code (case-insensitive, leading zeros optional).' })
  async instruction(@Arg('code', () => String) code: string, @Ctx() ctx: GqlContext): Promise<InstructionType> {
    return toInstruction(await ctx.scope.instructions.get(ctx.scope.actor, code));
  }

  @FieldResolver(() => InstructionProgressType, { description: 'Over every receiving grid you can see.' })
  async progress(@Root() i: InstructionType, @Ctx() ctx: GqlContext): Promise<InstructionProgressType> {
    return toProgress(i.knownProgress ?? (await ctx.scope.instructions.progress(ctx.scope.actor, await entityOf(ctx, i))));
  }

  @FieldResolver(() => [LevelProgressType], { description: 'Per grid level, in tree order.' })
  async levelProgress(@Root() i: InstructionType, @Ctx() ctx: GqlContext): Promise<LevelProgressType[]> {
    const rows = await ctx.scope.instructions.progressByLevel(ctx.scope.actor, await entityOf(ctx, i));
    const order = (await entityOf(ctx, i)).levels;
    return rows
      .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level))
      .map((r) => Object.assign(new LevelProgressType(), { level: r.level, progress: toProgress(r) }));
  }

  @FieldResolver(() => [ChildProgressType], { description: 'Per child grid of `under` (default the scope, or your grid inside it), each over its subtree.' })
  async childProgress(@Root() i: InstructionType, @Arg('under', () => String, { nullable: true }) under: string | null, @Ctx() ctx: GqlContext): Promise<ChildProgressType[]> {
    const rows = await ctx.scope.instructions.progressByChild(ctx.scope.actor, await entityOf(ctx, i), under);
    return rows.map((r) => Object.assign(new ChildProgressType(), { grid: Object.assign(new InstructionGridRef(), { code: r.code, name: r.name, level: r.level }), progress: toProgress(r) }));
  }

  @FieldResolver(() => [InstructionReceiptType], { description: 'Receiving grids, those without a result first.' })
  async receipts(
    @Root() i: InstructionType,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('silentOnly', () => Boolean, { defaultValue: false, description: 'Only grids that have not reported a result.' }) silentOnly: boolean,
    @Arg('under', () => String, { nullable: true, description: 'Only this grid and its subtree.' }) under: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<InstructionReceiptType[]> {
    const entity = await entityOf(ctx, i);
    return (await ctx.scope.instructions.receipts(ctx.scope.actor, entity, first, silentOnly, under)).map(toReceipt(entity));
  }

  @FieldResolver(() => InstructionUnreachableType, { description: 'Receiving grids no channel reaches (no bound group or second channel, or every send failed), not told since.' })
  async unreachableGrids(
    @Root() i: InstructionType,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Arg('under', () => String, { nullable: true, description: 'Only this grid and its subtree.' }) under: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<InstructionUnreachableType> {
    const entity = await entityOf(ctx, i);
    const { rows, total } = await ctx.scope.instructions.unreachable(ctx.scope.actor, entity, first, under);
    return Object.assign(new InstructionUnreachableType(), { total, grids: rows.map(toReceipt(entity)) });
  }

  @FieldResolver(() => [InstructionUpdateType], { description: 'Amendments and the cancellation, in order.' })
  async updates(@Root() i: InstructionType, @Ctx() ctx: GqlContext): Promise<InstructionUpdateType[]> {
    return (await ctx.scope.instructions.updates(await entityOf(ctx, i))).map(toUpdate);
  }

  @Mutation(() => InstructionType, { description: 'Issue to every grid under `scope` at once (commander, instructor, admin; inside your subtree).' })
  async issueInstruction(@Arg('input', () => IssueInstructionInput) input: IssueInstructionInput, @Ctx() ctx: GqlContext): Promise<InstructionType> {
    const { grade, levels, ...rest } = input;
    return toInstruction(await ctx.scope.instructions.issue(ctx.scope.actor, { ...rest, grade: grade as InstructionGrade, levels: (levels as GridLevel[] | null | undefined) ?? null }));
  }

  @Mutation(() => InstructionAnswerType, { description: 'Acknowledge for a grid (default yours); without a code, the grid’s latest open instruction.' })
  async acknowledgeInstruction(
    @Arg('code', () => String, { nullable: true }) code: string | null,
    @Arg('grid', () => String, { nullable: true }) grid: string | null,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<InstructionAnswerType> {
    return toAnswer(await ctx.scope.instructions.acknowledge(ctx.scope.actor, { code, grid, text: note }));
  }

  @Mutation(() => InstructionAnswerType, { description: 'Report a grid’s result (acknowledges too).' })
  async reportInstructionResult(
    @Arg('code', () => String, { nullable: true }) code: string | null,
    @Arg('result', () => String) result: string,
    @Arg('grid', () => String, { nullable: true }) grid: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<InstructionAnswerType> {
    return toAnswer(await ctx.scope.instructions.reportResult(ctx.scope.actor, { code, grid, text: result }));
  }

  @Mutation(() => InstructionType, { description: 'Cancel (the issuer or above); every group that got it is told.' })
  async cancelInstruction(@Arg('code', () => String) code: string, @Arg('reason', () => String, { nullable: true }) reason: string | null, @Ctx() ctx: GqlContext): Promise<InstructionType> {
    return toInstruction(await ctx.scope.instructions.cancel(ctx.scope.actor, code, reason));
  }

  @Mutation(() => InstructionType, { description: 'Append to the instruction (the issuer or above); every group that got it gets the addition.' })
  async amendInstruction(@Arg('code', () => String) code: string, @Arg('text', () => String) text: string, @Ctx() ctx: GqlContext): Promise<InstructionType> {
    return toInstruction(await ctx.scope.instructions.amend(ctx.scope.actor, code, text));
  }

  @Subscription(() => InstructionType, {
    description: 'Instructions as they are issued, whose scope lies inside `scope` (default your subtree).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { scope?: string | null }, GqlContext>) => context.scope.instructions.watchIssued(context.scope.actor, args.scope ?? null),
  })
  instructionIssued(@Root() e: InstructionIssuedEvent, @Arg('scope', () => String, { nullable: true }) _scope?: string): InstructionType {
    return instructionFromEvent(e);
  }

  @Subscription(() => InstructionType, {
    description: 'The instruction with fresh progress: now, then on every change, at most a few pushes a second.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { code: string }, GqlContext>) => context.scope.instructions.watchProgress(context.scope.actor, args.code),
  })
  instructionProgress(@Root() p: InstructionWithProgress, @Arg('code', () => String) _code: string): InstructionType {
    return Object.assign(toInstruction(p.instruction), { knownProgress: p.progress });
  }
}
