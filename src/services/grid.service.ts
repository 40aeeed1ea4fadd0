import { assertVisible, type Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { countProblem, gridCodeProblem, gridNameProblem } from '../domain/city-rules.js';
import { canNest, isWithin, normalizeGridCode, type GridLevel, type RiskColour } from '../domain/grid-levels.js';
import { mayDo, rolesFor, type AdminAction } from '../domain/roles.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import type { GridEntity } from '../entities/grid.entity.js';
import type { GridChangedEvent, GridChangeKind } from '../infra/pubsub.js';
import { GridRepository } from '../repositories/grid.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridRef } from './grid-ref-cache.js';

export interface CreateGridInput {
  code: string;
  name: string;
  level: GridLevel;
  parent: string | null;
  riskColour?: RiskColour;
  households?: number;
  population?: number;
}


/** Refuses an administrative act the actor's role does not allow. */
export function assertMay(actor: Actor, action: AdminAction): void {
  if (!mayDo(actor.role, action)) {
    throw new DomainError('FORBIDDEN', `role ${actor.role} may not ${action}; allowed: ${rolesFor(action).join(', ')}`);
  }
}

/** The grid tree: reads confined to the actor's subtree, changes gated by role. */
export class GridService {
  private readonly grids: GridRepository;

  constructor(private readonly deps: ServiceDeps) {
    this.grids = new GridRepository(deps.em);
  }

  /** The grid with this code inside the actor's subtree, or NOT_FOUND. */
  async get(actor: Actor, code: string): Promise<GridEntity> {
    const grid = await this.grids.findByCode(normalizeGridCode(code));
    if (!grid) throw new DomainError('NOT_FOUND', `grid ${normalizeGridCode(code)} not found in your scope`);
    assertVisible(actor, grid.path, `grid ${grid.code}`);
    return grid;
  }

  /** Like `get`, but only id, code and path, served from the process-wide cache when it can. */
  async ref(actor: Actor, code: string): Promise<GridRef> {
    const normal = normalizeGridCode(code);
    const cache = this.deps.gridRefs;
    let ref = cache.get(normal);
    if (!ref) {
      const grid = await this.grids.findByCode(normal);
      if (!grid) throw new DomainError('NOT_FOUND', `grid ${normal} not found in your scope`);
      cache.set((ref = grid));
    }
    assertVisible(actor, ref.path, `grid ${ref.code}`);
    return ref;
  }

  /** Changes to grids and their members under `scope` (default the actor's subtree), as they happen. */
  async watchChanges(actor: Actor, scope: string | null): Promise<AsyncIterable<GridChangedEvent>> {
    const path = await this.scopePath(actor, scope);
    return this.deps.feeds.watch(`gridChanged|${path}`, { events: () => this.deps.pubsub.subscribe('gridChanged', path) });
  }

  /** The ltree path of a scope: the given grid (checked against the actor's subtree) or the actor's own. */
  async scopePath(actor: Actor, code: string | null | undefined): Promise<string> {
    return code ? (await this.get(actor, code)).path : actor.path;
  }

  /** Grids under `under` (default: the actor's own subtree), optionally of one level. */
  async list(actor: Actor, args: { under?: string | null; level?: GridLevel | null; first?: number | null; after?: string | null }): Promise<GridEntity[]> {
    const first = pageSize(args.first ?? 100, PAGE_LIMITS.smallRows);
    const scopePath = await this.scopePath(actor, args.under);
    return this.grids.listUnder(scopePath, {
      first,
      ...(args.level ? { level: args.level } : {}),
      ...(args.after ? { afterCode: normalizeGridCode(args.after) } : {}),
    });
  }

  async create(actor: Actor, input: CreateGridInput): Promise<GridEntity> {
    assertMay(actor, 'grid.create');
    const code = normalizeGridCode(input.code);
    const name = input.name.trim();
    const problem = gridCodeProblem(code) ?? gridNameProblem(name) ?? countProblem('households', input.households) ?? countProblem('population', input.population);
    if (problem) throw new DomainError('BAD_USER_INPUT', problem);
    let parent: GridEntity | null = null;
    if (input.parent) {
      parent = await this.get(actor, input.parent);
      if (!canNest(parent.level, input.level)) throw new DomainError('BAD_USER_INPUT', `a ${input.level} cannot sit under a ${parent.level}`);
    } else if (actor.path !== '') {
      throw new DomainError('FORBIDDEN', 'only the operator may create a root grid');
    }
    if (await this.grids.findByCode(code)) throw new DomainError('CONFLICT', `grid code ${code} is taken`);
    const [row] = await this.grids.insertMany([{ ...input, code, name, parentId: parent?.id ?? null, parentPath: parent?.path ?? null }]);
    const grid = await this.get(actor, row!.code);
    this.publish('CREATED', grid);
    return grid;
  }

  async rename(actor: Actor, code: string, name: string): Promise<GridEntity> {
    assertMay(actor, 'grid.rename');
    const trimmed = name.trim();
    const problem = gridNameProblem(trimmed);
    if (problem) throw new DomainError('BAD_USER_INPUT', problem);
    const grid = await this.get(actor, code);
    grid.name = trimmed;
    await this.deps.em.flush();
    this.publish('RENAMED', grid);
    return grid;
  }

  async recolour(actor: Actor, code: string, colour: RiskColour): Promise<GridEntity> {
    assertMay(actor, 'grid.recolour');
    const grid = await this.get(actor, code);
    grid.riskColour = colour;
    await this.deps.em.flush();
    this.publish('RECOLOURED', grid);
    return grid;
  }

  /** Moves a grid under another parent; refused while anything hangs on it. */
  async move(actor: Actor, code: string, newParentCode: string): Promise<GridEntity> {
    assertMay(actor, 'grid.move');
    const grid = await this.get(actor, code);
    const parent = await this.get(actor, newParentCode);
    if (isWithin(parent.path, grid.path)) throw new DomainError('BAD_USER_INPUT', `cannot move ${grid.code} under itself`);
    if (!canNest(parent.level, grid.level)) throw new DomainError('BAD_USER_INPUT', `a ${grid.level} cannot sit under a ${parent.level}`);
    await this.assertDetached(grid, 'move');
    grid.path = await this.grids.move(grid.id, parent.id, parent.path);
    this.deps.gridRefs.forget(grid.code);
    await this.deps.em.refresh(grid);
    this.publish('MOVED', grid, parent.code);
    return grid;
  }

  async delete(actor: Actor, code: string): Promise<GridEntity> {
    assertMay(actor, 'grid.delete');
    const grid = await this.get(actor, code);
    if (grid.path === actor.path) throw new DomainError('FORBIDDEN', 'you cannot delete the grid your access is scoped to');
    await this.assertDetached(grid, 'delete');
    await this.grids.delete(grid.id);
    this.deps.gridRefs.forget(grid.code);
    this.deps.em.getUnitOfWork().unsetIdentity(grid);
    this.publish('DELETED', grid);
    return grid;
  }

  private async assertDetached(grid: GridEntity, verb: string): Promise<void> {
    const d = await this.grids.dependents(grid.id);
    const held = Object.entries(d).filter(([, n]) => n > 0);
    if (held.length) {
      throw new DomainError('CONFLICT', `cannot ${verb} grid ${grid.code}: it has ${held.map(([k, n]) => `${n} ${k}`).join(', ')}`, { reason: 'GRID_IN_USE', ...d });
    }
  }

  /** Publishes after the change is stored (write, flush, then publish). */
  publish(kind: GridChangeKind, grid: GridEntity, detail: string | null = null): void {
    this.deps.pubsub.publish('gridChanged', {
      kind,
      path: grid.path,
      code: grid.code,
      name: grid.name,
      level: grid.level,
      riskColour: grid.riskColour,
      at: this.deps.clock.now().toISOString(),
      detail,
    });
  }
}
