import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { GridsArgs, CreateGridInput, RegisterMemberInput } from '../schema/grid.inputs.js';
import { RiskColourEnum } from '../schema/enums.js';
import { DepartmentType, GridType, MemberType, toDepartment, toGrid, toMember } from '../schema/grid.type.js';
import type { GqlContext } from './context.js';

const LIST_GUESS = 10;

@Resolver(() => GridType)
export class GridResolver {
  @Query(() => GridType, { description: 'One grid by code, inside the caller’s subtree.' })
  async grid(@Arg('code', () => String) code: string, @Ctx() { scope }: GqlContext): Promise<GridType> {
    return toGrid(await scope.grids.get(scope.actor, code));
  }

  @Query(() => [GridType], {
    description: 'Grids under a grid (default: the caller’s scope), ordered by code, keyset-paged.',
    complexity: ({ args, childComplexity }) => Math.max(1, Number(args['first'] ?? 100)) * childComplexity,
  })
  async grids(@Args(() => GridsArgs) args: GridsArgs, @Ctx() { scope }: GqlContext): Promise<GridType[]> {
    return (await scope.grids.list(scope.actor, args)).map(toGrid);
  }

  @FieldResolver(() => GridType, { nullable: true, description: 'Null at the root and above the caller’s scope.' })
  async parent(@Root() grid: GridType, @Ctx() { scope }: GqlContext): Promise<GridType | null> {
    if (grid.parentId === null) return null;
    const parent = await scope.loaders.gridById.load(grid.parentId);
    return parent ? toGrid(parent) : null;
  }

  @FieldResolver(() => RiskColourEnum, { description: 'Suggested from open red disputes, overdue and urgent incidents under the grid; riskColor stays what people set.' })
  async suggestedRiskColor(@Root() grid: GridType, @Ctx() { scope }: GqlContext): Promise<RiskColourEnum> {
    return (await scope.loaders.riskOf.load(grid.dbId)) as RiskColourEnum;
  }

  @FieldResolver(() => [GridType], { complexity: ({ childComplexity }) => LIST_GUESS * childComplexity })
  async children(@Root() grid: GridType, @Ctx() { scope }: GqlContext): Promise<GridType[]> {
    return (await scope.loaders.childrenOf.load(grid.dbId)).map(toGrid);
  }

  @FieldResolver(() => [MemberType], { complexity: ({ childComplexity }) => LIST_GUESS * childComplexity })
  async members(@Root() grid: GridType, @Ctx() { scope }: GqlContext): Promise<MemberType[]> {
    return (await scope.loaders.membersOf.load(grid.dbId)).map(toMember);
  }

  @FieldResolver(() => [DepartmentType], { complexity: ({ childComplexity }) => LIST_GUESS * childComplexity })
  async departments(@Root() grid: GridType, @Ctx() { scope }: GqlContext): Promise<DepartmentType[]> {
    return (await scope.loaders.departmentsOf.load(grid.dbId)).map(toDepartment);
  }

  @Mutation(() => GridType, { description: 'Admin: create a grid under a parent in your subtree.' })
  async createGrid(@Arg('input', () => CreateGridInput) input: CreateGridInput, @Ctx() { scope }: GqlContext): Promise<GridType> {
    const grid = await scope.grids.create(scope.actor, {
      code: input.code,
      name: input.name,
      level: input.level,
      parent: input.parent ?? null,
      ...(input.riskColor ? { riskColour: input.riskColor } : {}),
      ...(input.households != null ? { households: input.households } : {}),
      ...(input.population != null ? { population: input.population } : {}),
    });
    return toGrid(grid);
  }

  @Mutation(() => GridType)
  async renameGrid(@Arg('code', () => String) code: string, @Arg('name', () => String) name: string, @Ctx() { scope }: GqlContext): Promise<GridType> {
    return toGrid(await scope.grids.rename(scope.actor, code, name));
  }

  @Mutation(() => GridType, { description: 'Set the risk colour people decided for a grid.' })
  async recolorGrid(@Arg('code', () => String) code: string, @Arg('color', () => RiskColourEnum) color: RiskColourEnum, @Ctx() { scope }: GqlContext): Promise<GridType> {
    return toGrid(await scope.grids.recolour(scope.actor, code, color));
  }

  @Mutation(() => GridType, { description: 'Move a grid under another parent; refused while it has children, members or history.' })
  async moveGrid(@Arg('code', () => String) code: string, @Arg('parent', () => String) parent: string, @Ctx() { scope }: GqlContext): Promise<GridType> {
    return toGrid(await scope.grids.move(scope.actor, code, parent));
  }

  @Mutation(() => GridType, { description: 'Delete a grid; refused while it has children, members or history.' })
  async deleteGrid(@Arg('code', () => String) code: string, @Ctx() { scope }: GqlContext): Promise<GridType> {
    return toGrid(await scope.grids.delete(scope.actor, code));
  }

  @Mutation(() => MemberType)
  async registerMember(@Arg('input', () => RegisterMemberInput) input: RegisterMemberInput, @Ctx() { scope }: GqlContext): Promise<MemberType> {
    return toMember(await scope.members.register(scope.actor, input));
  }

  @Mutation(() => DepartmentType)
  async createDepartment(@Arg('grid', () => String) grid: string, @Arg('name', () => String) name: string, @Ctx() { scope }: GqlContext): Promise<DepartmentType> {
    return toDepartment(await scope.members.createDepartment(scope.actor, grid, name));
  }
}
