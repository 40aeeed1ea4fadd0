import DataLoader from 'dataloader';
import type { Actor } from './domain/actor.js';
import type { DepartmentEntity } from './entities/department.entity.js';
import type { GridEntity } from './entities/grid.entity.js';
import type { IncidentDepartmentEntity } from './entities/incident-department.entity.js';
import type { IncidentEventEntity } from './entities/incident-event.entity.js';
import type { MemberEntity } from './entities/member.entity.js';
import type { RiskColour } from './domain/grid-levels.js';
import { suggestRiskColour } from './domain/risk-colour.js';
import { GridRepository } from './repositories/grid.repository.js';
import { IncidentRepository } from './repositories/incident.repository.js';
import { MemberRepository } from './repositories/member.repository.js';
import { AuthService } from './services/auth.service.js';
import { BindingService } from './services/binding.service.js';
import { CapService } from './services/cap.service.js';
import { ChannelService } from './services/channel.service.js';
import { CityImportService } from './services/city-import.service.js';
import { ClearanceScheduleService } from './services/clearance-schedule.service.js';
import { ClearanceService } from './services/clearance.service.js';
import type { AppDeps, ServiceDeps } from './services/context.js';
import { DeliveryService } from './services/delivery.service.js';
import { DemoService } from './services/demo.service.js';
import { DuplicateService } from './services/duplicate.service.js';
import { EscalationService } from './services/escalation.service.js';
import { ExportService } from './services/export.service.js';
import { FleetService } from './services/fleet.service.js';
import { GridService } from './services/grid.service.js';
import { IncidentService } from './services/incident.service.js';
import { InstructionChaseService } from './services/instruction-chase.service.js';
import { InstructionService } from './services/instruction.service.js';
import { MemberService } from './services/member.service.js';
import { Open311Service } from './services/open311.service.js';
import { PhotoService } from './services/photo.service.js';
import { OpenItemsService } from './services/open-items.service.js';
import { StatsService } from './services/stats.service.js';

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
  const incidents = new IncidentRepository(deps.em);
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
      const counts = await incidents.riskCounts(ids, deps.clock.now());
      return ids.map((id) => suggestRiskColour(counts.get(id) ?? { openRedDisputes: 0, overdue: 0, openUrgent: 0 }));
    }),
    /** Incident codes by id (the codes of linked incidents: duplicateOf, mergedInto). */
    incidentCodeById: new DataLoader<number, string | null>(async (ids) => {
      const byId = await new IncidentRepository(deps.em).codesByIds(ids);
      return ids.map((id) => byId.get(id) ?? null);
    }),
    departmentById: new DataLoader<number, DepartmentEntity | null>(async (ids) => {
      const byId = new Map((await members.departmentsByIds(ids)).map((d) => [d.id, d]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /** Incident timelines by incident id, oldest step first: one query for a whole page of incidents. */
    timelineOf: new DataLoader<number, IncidentEventEntity[]>(async (ids) => groupBy(ids, await incidents.timelinesOf(ids), (e) => e.incident.id)),
    departmentsOf: new DataLoader<number, DepartmentEntity[]>(async (ids) => groupBy(ids, await members.departmentsOf(ids), (d) => d.grid.id)),
    memberById: new DataLoader<number, MemberEntity | null>(async (ids) => {
      const byId = new Map((await members.membersByIds(ids)).map((m) => [m.id, m]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    /** Co-departments' parts by incident id (joint handling): one query for a page of incidents. */
    partsOf: new DataLoader<number, IncidentDepartmentEntity[]>(async (ids) => groupBy(ids, await members.partsOf(ids), (p) => p.incident.id)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** One unit of work (a request, a WS operation, a bot message, a job tick) for one actor. */
export interface Scope {
  readonly actor: Actor;
  /** The container with this scope's own entity manager. */
  readonly deps: ServiceDeps;
  readonly loaders: Loaders;
  readonly grids: GridService;
  readonly members: MemberService;
  readonly auth: AuthService;
  readonly incidents: IncidentService;
  readonly duplicates: DuplicateService;
  readonly clearance: ClearanceService;
  readonly instructions: InstructionService;
  readonly bindings: BindingService;
  readonly deliveries: DeliveryService;
  readonly fleet: FleetService;
  readonly demo: DemoService;
  readonly escalations: EscalationService;
  readonly clearanceSchedule: ClearanceScheduleService;
  readonly instructionChase: InstructionChaseService;
  readonly cap: CapService;
  readonly open311: Open311Service;
  readonly cityImport: CityImportService;
  readonly exports: ExportService;
  readonly channels: ChannelService;
  readonly photos: PhotoService;
  readonly openItems: OpenItemsService;
  readonly stats: StatsService;
}

/**
 * The one way an entry point (HTTP request, WS operation, bot message, cron tick) gets
 * services: a fresh entity manager, loaders and services bound to one actor. `app` is the
 * container (or a scope's `deps`, for a fresh scope beside it).
 */
export function createScope(app: AppDeps, actor: Actor): Scope {
  const { config, log, clock, orm, pubsub, gridRefs, reports, feeds, categorise, metrics, limits, photoStorage } = app;
  const deps: ServiceDeps = { config, log, clock, orm, pubsub, gridRefs, reports, feeds, categorise, metrics, limits, photoStorage, em: orm.em.fork() };
  const grids = new GridService(deps);
  const clearance = new ClearanceService(deps, grids);
  const incidents = new IncidentService(deps, grids);
  return {
    actor,
    deps,
    loaders: createLoaders(deps, actor),
    grids,
    members: new MemberService(deps, grids),
    auth: new AuthService(deps, grids),
    incidents,
    duplicates: new DuplicateService(deps, incidents),
    clearance,
    instructions: new InstructionService(deps, grids),
    bindings: new BindingService(deps, grids),
    deliveries: new DeliveryService(deps, grids),
    fleet: new FleetService(deps, grids),
    demo: new DemoService(grids),
    escalations: new EscalationService(deps),
    clearanceSchedule: new ClearanceScheduleService(deps, clearance),
    instructionChase: new InstructionChaseService(deps),
    cap: new CapService(deps, grids),
    open311: new Open311Service(deps, grids, incidents),
    cityImport: new CityImportService(deps, grids),
    exports: new ExportService(deps, grids),
    channels: new ChannelService(deps, grids),
    photos: new PhotoService(deps),
    openItems: new OpenItemsService(deps, clearance),
    stats: new StatsService(deps, grids),
  };
}
