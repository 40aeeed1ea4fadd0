import type { Actor } from '../domain/actor.js';
import { departmentNameProblem, memberDepartmentProblem, memberNameProblem, phoneProblem } from '../domain/city-rules.js';
import { DomainError } from '../domain/errors.js';
import { mayGrantRole, type MemberRole } from '../domain/roles.js';
import { DepartmentEntity } from '../entities/department.entity.js';
import { MemberEntity } from '../entities/member.entity.js';
import type { ServiceDeps } from './context.js';
import { assertMay, type GridService } from './grid.service.js';

export interface RegisterMemberInput {
  grid: string;
  name: string;
  role: MemberRole;
  phone?: string | null;
  department?: string | null;
}

/** People of the grid teams and the departments that receive dispatched work. */
export class MemberService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly gridService: GridService,
  ) {}

  async register(actor: Actor, input: RegisterMemberInput): Promise<MemberEntity> {
    assertMay(actor, 'member.register');
    if (!mayGrantRole(actor.role, input.role)) {
      throw new DomainError('FORBIDDEN', `a ${actor.role} may not register a ${input.role}: only roles below their own`);
    }
    const grid = await this.gridService.get(actor, input.grid);
    const name = input.name.trim();
    const phone = input.phone?.trim() || null;
    const problem = memberNameProblem(name) ?? phoneProblem(phone) ?? memberDepartmentProblem(input.role, input.department);
    if (problem) throw new DomainError('BAD_USER_INPUT', problem);
    let department: DepartmentEntity | null = null;
    if (input.role === 'department' && input.department) {
      department = await this.deps.em.findOne(DepartmentEntity, { grid, name: input.department.trim() });
      if (!department) throw new DomainError('NOT_FOUND', `department ${input.department} not found at grid ${grid.code}`);
    }
    const member = this.deps.em.create(MemberEntity, { grid, name, role: input.role, phone, department });
    await this.deps.em.flush();
    this.gridService.publish('MEMBER_REGISTERED', grid, `${input.role}:${name}`);
    return member;
  }

  /**
   * Names a department's head (负责人), one of its own members: overdue work of the department is
   * escalated to them through the bot. Admins and commanders, in scope.
   */
  async setDepartmentHead(actor: Actor, gridCode: string, name: string, memberId: number): Promise<DepartmentEntity> {
    assertMay(actor, 'department.create');
    const grid = await this.gridService.get(actor, gridCode);
    const department = await this.deps.em.findOne(DepartmentEntity, { grid, name: name.trim() });
    if (!department) throw new DomainError('NOT_FOUND', `department ${name} not found at grid ${grid.code}`);
    const member = await this.deps.em.findOne(MemberEntity, { id: memberId, department });
    if (!member) throw new DomainError('BAD_USER_INPUT', `member ${memberId} is not of department ${department.name}`);
    department.head = member;
    await this.deps.em.flush();
    return department;
  }

  async createDepartment(actor: Actor, gridCode: string, name: string): Promise<DepartmentEntity> {
    assertMay(actor, 'department.create');
    const grid = await this.gridService.get(actor, gridCode);
    const trimmed = name.trim();
    const problem = departmentNameProblem(trimmed);
    if (problem) throw new DomainError('BAD_USER_INPUT', problem);
    if (await this.deps.em.findOne(DepartmentEntity, { grid, name: trimmed })) {
      throw new DomainError('CONFLICT', `department ${trimmed} already exists at grid ${grid.code}`);
    }
    const department = this.deps.em.create(DepartmentEntity, { grid, name: trimmed });
    await this.deps.em.flush();
    return department;
  }
}
