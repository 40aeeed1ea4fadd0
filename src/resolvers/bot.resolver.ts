import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { BindAlertType, BindCodeType, BotAccountType, ChatGroupType, DeliveryProgressType, OutboxMessageType, PendingBindingType, toBindAlert, toChatGroup, toDeliveryProgress, toFleetAccount, toOutboxMessage, toPendingBinding } from '../schema/bot.type.js';
import type { GqlContext } from './context.js';

/** Bindings of groups and people, the bot accounts, and what the bot has sent. */
@Resolver()
export class BotResolver {
  @Mutation(() => ChatGroupType, { description: 'Binds a WeChat group (by room id) to a grid; admins and commanders.' })
  async bindGroup(@Arg('roomId', () => String) roomId: string, @Arg('grid', () => String) grid: string, @Arg('botAccount', () => String, { nullable: true }) botAccount: string | null, @Ctx() ctx: GqlContext): Promise<ChatGroupType> {
    return toChatGroup(await ctx.scope.bindings.bindGroup(ctx.scope.actor, { roomId, grid, botAccount }));
  }

  @Mutation(() => ChatGroupType, { description: 'Binds a WeChat group to a department (by grid and name): its dispatch notices go there. Admins and commanders, or a member of that department.' })
  async bindDepartmentGroup(
    @Arg('roomId', () => String) roomId: string,
    @Arg('grid', () => String) grid: string,
    @Arg('department', () => String) department: string,
    @Arg('botAccount', () => String, { nullable: true }) botAccount: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<ChatGroupType> {
    return toChatGroup(await ctx.scope.bindings.bindDepartmentGroup(ctx.scope.actor, { roomId, grid, department, botAccount }));
  }

  @Mutation(() => ChatGroupType, { description: 'Detaches a group from its grid or department.' })
  async unbindGroup(@Arg('roomId', () => String) roomId: string, @Ctx() ctx: GqlContext): Promise<ChatGroupType> {
    return toChatGroup(await ctx.scope.bindings.unbindGroup(ctx.scope.actor, roomId.trim()));
  }

  @Mutation(() => BindCodeType, { description: 'A one-time code (valid 72 h) for a member to send as `#绑定 CODE` in a group.' })
  async issueBindCode(@Arg('member', () => Int) member: number, @Ctx() ctx: GqlContext): Promise<BindCodeType> {
    const issued = await ctx.scope.bindings.issueBindCode(ctx.scope.actor, member);
    return Object.assign(new BindCodeType(), { code: issued.code, expiresAt: issued.expiresAt, member: issued.member.id });
  }

  @Query(() => [PendingBindingType], { description: "Commanders' and instructors' bindings waiting for your confirmation as their code's issuer (the operator: all in scope)." })
  async pendingBindings(@Ctx() ctx: GqlContext): Promise<PendingBindingType[]> {
    return (await ctx.scope.bindings.pendingBindings(ctx.scope.actor)).map(toPendingBinding);
  }

  @Mutation(() => Int, { description: "Confirms a pending binding of the code you issued: the WeChat contact becomes the member; returns the member's id." })
  async confirmBinding(@Arg('code', () => String) code: string, @Ctx() ctx: GqlContext): Promise<number> {
    return (await ctx.scope.bindings.confirmBinding(ctx.scope.actor, code)).memberId;
  }

  @Query(() => [BindAlertType], { description: 'Contacts and groups locked for wrong bind codes in your subtree, newest first.' })
  async bindAlerts(@Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number, @Ctx() ctx: GqlContext): Promise<BindAlertType[]> {
    return (await ctx.scope.bindings.bindAlerts(ctx.scope.actor, first)).map(toBindAlert);
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

  @Query(() => [BotAccountType], { description: 'Every bot account of the fleet, across all hub instances, with its state and lease.' })
  async bots(@Ctx() ctx: GqlContext): Promise<BotAccountType[]> {
    const local = new Map((ctx.bots?.status() ?? []).map((b) => [b.name, b]));
    return (await ctx.scope.fleet.list()).map((a) => toFleetAccount(a, local.get(a.name)));
  }

  @Mutation(() => BotAccountType, { description: 'Adds a bot account to the fleet (admins); an instance with spare capacity logs it in within a heartbeat.' })
  async addBotAccount(
    @Arg('name', () => String) name: string,
    @Arg('puppet', () => String, { nullable: true }) puppet: string | null,
    @Arg('credentialsRef', () => String, { nullable: true, description: 'token:N (the N-th WECHATY_PUPPET_SERVICE_TOKEN) or memory:NAME; never the secret itself.' }) credentialsRef: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<BotAccountType> {
    return toFleetAccount(await ctx.scope.fleet.add(ctx.scope.actor, { name, puppet, credentialsRef }), undefined);
  }

  @Mutation(() => BotAccountType, { description: 'Retires a bot account (admins): its instance logs it out; the other accounts in its groups carry its messages.' })
  async retireBotAccount(@Arg('name', () => String) name: string, @Ctx() ctx: GqlContext): Promise<BotAccountType> {
    return toFleetAccount(await ctx.scope.fleet.retire(ctx.scope.actor, name), undefined);
  }

  @Query(() => DeliveryProgressType, { description: 'How the messages about one code are getting out: queued, sent, failed, undeliverable per lane and per account.' })
  async deliveryProgress(@Arg('ref', () => String) ref: string, @Ctx() ctx: GqlContext): Promise<DeliveryProgressType> {
    return toDeliveryProgress(await ctx.scope.fleet.progress(ctx.scope.actor, ref));
  }
}
