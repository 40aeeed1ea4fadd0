import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { DomainError } from '../domain/errors.js';
import type { GqlContext } from './context.js';

/** Demo mode only (absent from the schema on a real puppet): speak into a mock grid group. */
@Resolver()
export class DemoResolver {
  @Mutation(() => [String], {
    description:
      'Demo mode: says `text` (and/or a base64 `image`) in the grid’s mock WeChat group as `from` (a member’s name, or chief, worker, instructor, commander, resident) through Wechaty, and returns the bot’s replies in that group.',
  })
  async simulateMessage(
    @Arg('grid', () => String) grid: string,
    @Arg('from', () => String) from: string,
    @Arg('text', () => String, { nullable: true }) text: string | null,
    @Arg('image', () => String, { nullable: true, description: 'A photo as base64.' }) image: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<string[]> {
    const demo = ctx.bots?.demo;
    if (!demo) throw new DomainError('BAD_USER_INPUT', 'simulateMessage works in demo mode only');
    // It speaks as anyone (the commander included): the operator's tool, not a viewer's.
    if (ctx.scope.actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'simulateMessage is for the operator (an admin token)');
    await ctx.scope.grids.get(ctx.scope.actor, grid);
    return demo.speak(grid, from, text, image ? Buffer.from(image, 'base64') : null);
  }
}
