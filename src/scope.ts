import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Actor } from './domain/actor.js';
import type { BotRuntime } from './bots/bot-runtime.js';
import type { Config } from './config.js';
import type { DepartmentEntity } from './entities/department.entity.js';
import type { GridEntity } from './entities/grid.entity.js';
import type { MemberEntity } from './entities/member.entity.js';
import type { Clock } from './infra/clock.js';
import type { Logger } from './infra/logger.js';
import type { PubSub } from './infra/pubsub.js';
import type { RiskColour } from './domain/grid-levels.js';
import { suggestRiskColour } from './domain/risk-colour.js';
import { GridRepository } from './repositories/grid.repository.js';
import { IncidentRepository } from './repositories/incident.repository.js';
import { MemberRepository } from './repositories/member.repository.js';
import { AuthService } from './services/auth.service.js';
import { ClearanceService } from './services/clearance.service.js';
import type { ServiceDeps } from './services/context.js';
import { GridService } from './services/grid.service.js';
import { IncidentService } from './services/incident.service.js';
import { InstructionService } from './services/instruction.service.js';
import { MemberService } from './services/member.service.js';

/** The long-lived parts every scope shares. */
export interface AppDeps {
  readonly orm: MikroORM;
  readonly pubsub: PubSub;
  readonly clock: Clock;
  readonly log: Logger;
  readonly config: Config;
  /** The bot accounts, once started (absent in one-shot CLI commands and most tests). */
  readonly bots?: BotRuntime | null;
}

const groupBy = <T>(keys: readonly number[], rows: T[], keyOf: (row: T) => number): T[][] => {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return keys.map((k) => map.get(k) ?? []);
};

/** Per-scope batch loaders: one query per relation per tick, whatever a list asks for. */
export function createLoaders(deps: ServiceDeps, actor: Actor) {
  const grids = new GridRepository(deps.em);
  const members = new MemberRepository(deps.em);
  return {
    /** Grids by id, limited to the actor's subtree (a parent outside it loads as null). */
    gridById: new DataLoader<number, GridEntity | null>(async (ids) => {
      const rows = await grids.byIds(ids, actor.path);
      const byId = new Map(rows.map((g) => [g.id, g]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    childrenOf: new DataLoader<number, GridEntity[]>(async (ids) => groupBy(ids, await grids.childrenOf(ids), (g) => g.parent!.id)),
    membersOf: new DataLoader<number, MemberEntity[]>(async (ids) => groupBy(ids, await members.membersOf(ids), (m) => m.grid.id)),
    /** Suggested risk colour per grid from its subtree's open incidents (docs/domain-rules.md#grid-tree, issue 3). */
    riskOf: new DataLoader<number, RiskColour>(async (ids) => {
      const counts = await new IncidentRepository(deps.em).riskCounts(ids, deps.clock.now());
      return ids.map((id) => suggestRiskColour(counts.get(id) ?? { openRedDisputes: 0, overdue: 0, openUrgent: 0 }));
    }),
    departmentsOf: new DataLoader<number, DepartmentEntity[]>(async (ids) => groupBy(ids, await members.departmentsOf(ids), (d) => d.grid.id)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Scope {
  readonly actor: Actor;
  readonly loaders: Loaders;
  readonly grids: GridService;
  readonly members: MemberService;
  readonly auth: AuthService;
  readonly incidents: IncidentService;
  readonly clearance: ClearanceService;
  readonly instructions: InstructionService;
  readonly appDeps: AppDeps;
  readonly deps: ServiceDeps;
}

/** What a service needs, with an entity manager of its own: for code that wants one service, not a whole scope. */
export const serviceDeps = (app: AppDeps): ServiceDeps => ({ em: app.orm.em.fork(), pubsub: app.pubsub, clock: app.clock, log: app.log, config: app.config });

/**
 * The one way an entry point (HTTP request, WS operation, bot message, cron tick) gets
 * services: a fresh entity manager, loaders and services bound to one actor.
 */
export function createScope(app: AppDeps, actor: Actor): Scope {
  const deps = serviceDeps(app);
  return {
    actor,
    deps,
    appDeps: app,
    loaders: createLoaders(deps, actor),
    grids: new GridService(deps),
    members: new MemberService(deps),
    auth: new AuthService(deps),
    incidents: new IncidentService(deps),
    clearance: new ClearanceService(deps),
    instructions: new InstructionService(deps),
  };
}

export type { Config };
