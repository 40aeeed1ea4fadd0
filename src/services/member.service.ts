import type { Actor } from '../domain/actor.js';
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

const PHONE = /^\+?[0-9][0-9 -]{4,30}$/;

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
    if (!name || name.length > 64) throw new DomainError('BAD_USER_INPUT', 'member name must be 1 to 64 characters');
    const phone = input.phone?.trim() || null;
    if (phone && !PHONE.test(phone)) throw new DomainError('BAD_USER_INPUT', `phone ${phone} is not a phone number`);
    let department: DepartmentEntity | null = null;
    if (input.role === 'department') {
      if (!input.department) throw new DomainError('BAD_USER_INPUT', 'a department member needs its department');
      department = await this.deps.em.findOne(DepartmentEntity, { grid, name: input.department.trim() });
      if (!department) throw new DomainError('NOT_FOUND', `department ${input.department} not found at grid ${grid.code}`);
    } else if (input.department) {
      throw new DomainError('BAD_USER_INPUT', 'only members with role department belong to a department');
    }
    const member = this.deps.em.create(MemberEntity, { grid, name, role: input.role, phone, department });
    await this.deps.em.flush();
    this.gridService.publish('MEMBER_REGISTERED', grid, `${input.role}:${name}`);
    return member;
  }

  async createDepartment(actor: Actor, gridCode: string, name: string): Promise<DepartmentEntity> {
    assertMay(actor, 'department.create');
    const grid = await this.gridService.get(actor, gridCode);
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 64) throw new DomainError('BAD_USER_INPUT', 'department name must be 1 to 64 characters');
    if (await this.deps.em.findOne(DepartmentEntity, { grid, name: trimmed })) {
      throw new DomainError('CONFLICT', `department ${trimmed} already exists at grid ${grid.code}`);
    }
    const department = this.deps.em.create(DepartmentEntity, { grid, name: trimmed });
    await this.deps.em.flush();
    return department;
  }
}
