import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { DepartmentType, MemberType, toDepartment, toMember } from '../schema/grid.type.js';
import type { GqlContext } from './context.js';

/** Departments: their head (负责人), to whom overdue department work is escalated. */
@Resolver(() => DepartmentType)
export class DepartmentResolver {
  @FieldResolver(() => MemberType, { nullable: true, description: 'The head (负责人): overdue work of the department is escalated to them.' })
  async head(@Root() department: DepartmentType, @Ctx() { scope }: GqlContext): Promise<MemberType | null> {
    const head = department.headId === null ? null : await scope.loaders.memberById.load(department.headId);
    return head ? toMember(head) : null;
  }

  @Mutation(() => DepartmentType, { description: 'Names a department’s head, one of its members (admins and commanders, in scope).' })
  async setDepartmentHead(@Arg('grid', () => String) grid: string, @Arg('department', () => String) department: string, @Arg('member', () => Int) member: number, @Ctx() { scope }: GqlContext): Promise<DepartmentType> {
    return toDepartment(await scope.members.setDepartmentHead(scope.actor, grid, department, member));
  }
}
