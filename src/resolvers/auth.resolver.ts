import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { IssueTokenInput } from '../schema/grid.inputs.js';
import { RoleEnum } from '../schema/enums.js';
import { ApiTokenType, IssuedTokenType, ViewerType, toApiToken } from '../schema/grid.type.js';
import type { GqlContext } from './context.js';

@Resolver()
export class AuthResolver {
  @Query(() => ViewerType, { description: 'The role and scope of the bearer token.' })
  viewer(@Ctx() { scope }: GqlContext): ViewerType {
    return Object.assign(new ViewerType(), { role: scope.actor.role as RoleEnum, scope: scope.actor.gridCode });
  }

  @Mutation(() => IssuedTokenType, { description: 'Admin: mint a bearer token scoped to a grid subtree.' })
  async issueToken(@Arg('input', () => IssueTokenInput) input: IssueTokenInput, @Ctx() { scope }: GqlContext): Promise<IssuedTokenType> {
    const { token, entity } = await scope.auth.mint(scope.actor, {
      role: input.role,
      grid: input.grid ?? null,
      member: input.member ? Number(input.member) : null,
      label: input.label ?? null,
      ttlHours: input.ttlHours ?? null,
    });
    return Object.assign(new IssuedTokenType(), {
      id: String(entity.id),
      token,
      role: entity.role as RoleEnum,
      grid: entity.grid ? entity.grid.code : null,
      expiresAt: entity.expiresAt,
    });
  }

  @Mutation(() => Boolean, { description: 'Admin: revoke a token by id; it stops working at once.' })
  async revokeToken(@Arg('id', () => ID) id: string, @Ctx() { scope }: GqlContext): Promise<boolean> {
    await scope.auth.revoke(scope.actor, Number(id));
    return true;
  }

  @Query(() => [ApiTokenType], { description: 'Admin: tokens in your subtree, newest first, optionally only those with this label.' })
  async tokens(
    @Arg('label', () => String, { nullable: true }) label: string | null,
    @Arg('first', () => Int, { defaultValue: 100 }) first: number,
    @Ctx() { scope }: GqlContext,
  ): Promise<ApiTokenType[]> {
    return (await scope.auth.list(scope.actor, label, first)).map(toApiToken);
  }

  @Mutation(() => Int, { description: 'Admin: revoke every live token in your subtree with this label; returns how many.' })
  revokeTokensByLabel(@Arg('label', () => String) label: string, @Ctx() { scope }: GqlContext): Promise<number> {
    return scope.auth.revokeByLabel(scope.actor, label);
  }
}
