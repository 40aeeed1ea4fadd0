import type { Actor } from '../domain/actor.js';
import { FOLLOWED_STATES, OPEN_ITEMS_SHOWN, statesWaitingOn, worksDispatchedOnly } from '../domain/open-items.js';
import type { SlotRow } from '../repositories/clearance.repository.js';
import { MemberEntity } from '../entities/member.entity.js';
import { IncidentRepository, type OpenItemRow } from '../repositories/incident.repository.js';
import { InstructionRepository } from '../repositories/instruction.repository.js';
import type { ClearanceService } from './clearance.service.js';
import type { ServiceDeps } from './context.js';

/** An instruction the person's grid has not reported on. */
export interface OpenInstruction {
  code: string;
  title: string;
  acknowledged: boolean;
  resultDeadlineAt: Date;
}

/** What waits on one person: the first few of each kind and how many there are in all. */
export interface OpenItems {
  incidents: { rows: OpenItemRow[]; total: number };
  instructions: { rows: OpenInstruction[]; total: number };
  /** Their grid's answer to today's daily round; null when the grid is not asked. */
  clearance: { slot: SlotRow; deadlineAt: Date } | null;
}

/**
 * `#进度` with no code: a person's open items in one look. Incidents they reported that are not
 * finished, and incidents in their subtree in a state waiting on their role (a department's,
 * only those dispatched to it); instructions their grid has not reported on; their grid's
 * daily clearance.
 */
export class OpenItemsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly clearance: ClearanceService,
  ) {}

  async of(actor: Actor, shown = OPEN_ITEMS_SHOWN): Promise<OpenItems> {
    const em = this.deps.em;
    const member = actor.memberId === null ? null : await em.findOne(MemberEntity, { id: actor.memberId });
    const departmentId = worksDispatchedOnly(actor.role) ? (member?.department?.id ?? null) : undefined;
    const incidents = await new IncidentRepository(em).openItems({
      memberId: actor.memberId,
      followed: FOLLOWED_STATES,
      scopePath: actor.path,
      waiting: statesWaitingOn(actor.role),
      departmentId,
      limit: shown,
    });
    const instructions = actor.gridId === null ? { rows: [], total: 0 } : await new InstructionRepository(em).unansweredBy(actor.gridId, shown);
    const clearance = actor.gridId === null ? null : await this.clearance.today(actor.gridId);
    return { incidents, instructions, clearance };
  }
}
