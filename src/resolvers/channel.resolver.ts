import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { GridChannelType, toGridChannel } from '../schema/channel.type.js';
import type { GqlContext } from './context.js';

/** Grids' second channels (WeCom robots besides their WeChat groups). */
@Resolver()
export class ChannelResolver {
  @Mutation(() => GridChannelType, {
    nullable: true,
    description: 'Sets a grid’s WeCom (企业微信) group-robot webhook (the URL, or its key), or clears it with url: null (admins and commanders). Returns it masked; null when cleared.',
  })
  async setGridWecomWebhook(@Arg('grid', () => String) grid: string, @Arg('url', () => String, { nullable: true }) url: string | null, @Ctx() ctx: GqlContext): Promise<GridChannelType | null> {
    const row = await ctx.scope.channels.setWecomWebhook(ctx.scope.actor, grid, url);
    return row ? toGridChannel(row) : null;
  }

  @Query(() => [GridChannelType], { description: 'Grids under `under` (default your subtree) with a second channel, masked, with message counts (admins and commanders).' })
  async gridChannels(@Arg('under', () => String, { nullable: true }) under: string | null, @Arg('first', () => Int, { defaultValue: 100 }) first: number, @Ctx() ctx: GqlContext): Promise<GridChannelType[]> {
    return (await ctx.scope.channels.list(ctx.scope.actor, under, first)).map(toGridChannel);
  }
}
