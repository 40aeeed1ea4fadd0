import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { BindCodeType, BotAccountType, ChatGroupType, OutboxMessageType, toBotAccount, toChatGroup, toOutboxMessage } from '../schema/bot.type.js';
import type { GqlContext } from './context.js';

/** Bindings of groups and people, the bot accounts, and what the bot has sent. */
@Resolver()
export class BotResolver {
  @Mutation(() => ChatGroupType, { description: 'Binds a WeChat group (by room id) to a grid; admins and commanders.' })
  async bindGroup(@Arg('roomId', () => String) roomId: string, @Arg('grid', () => String) grid: string, @Arg('botAccount', () => String, { nullable: true }) botAccount: string | null, @Ctx() ctx: GqlContext): Promise<ChatGroupType> {
    return toChatGroup(await ctx.scope.bindings.bindGroup(ctx.scope.actor, { roomId, grid, botAccount }));
  }

  @Mutation(() => ChatGroupType, { description: 'Detaches a group from its grid.' })
  async unbindGroup(@Arg('roomId', () => String) roomId: string, @Ctx() ctx: GqlContext): Promise<ChatGroupType> {
    return toChatGroup(await ctx.scope.bindings.unbindGroup(ctx.scope.actor, roomId.trim()));
  }

  @Mutation(() => BindCodeType, { description: 'A one-time code (valid 72 h) for a member to send as `#绑定 CODE` in a group.' })
  async issueBindCode(@Arg('member', () => Int) member: number, @Ctx() ctx: GqlContext): Promise<BindCodeType> {
    const issued = await ctx.scope.bindings.issueBindCode(ctx.scope.actor, member);
    return Object.assign(new BindCodeType(), { code: issued.code, expiresAt: issued.expiresAt, member: issued.member.id });
  }

  @Query(() => [OutboxMessageType], { description: 'What the bot queued for the groups of your subtree, newest first, with delivery status.' })
  async outboxMessages(
    @Arg('under', () => String, { nullable: true }) under: string | null,
    @Arg('ref', () => String, { nullable: true }) ref: string | null,
    @Arg('status', () => String, { nullable: true }) status: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Ctx() ctx: GqlContext,
  ): Promise<OutboxMessageType[]> {
    return (await ctx.scope.deliveries.list(ctx.scope.actor, { under, ref, status }, first)).map(toOutboxMessage);
  }

  @Query(() => [BotAccountType], { description: 'The bot accounts of this hub instance and their login state.' })
  bots(@Ctx() ctx: GqlContext): BotAccountType[] {
    return (ctx.bots?.status() ?? []).map(toBotAccount);
  }
}
