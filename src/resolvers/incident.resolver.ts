import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import type { IncidentEvent, IncidentState } from '../domain/incident-transitions.js';
import { leadPartState } from '../domain/joint-handling.js';
import { IncidentConnection, IncidentEdge, IncidentFilterInput, PageInfo } from '../schema/incident-query.type.js';
import type { IncidentEntity } from '../entities/incident.entity.js';
import type { IncidentChangedEvent } from '../infra/pubsub.js';
import { encodeCursor, type IncidentStepInput } from '../services/incident.service.js';
import { CategoryEnum, IncidentChangeType, IncidentDepartmentType, IncidentStepType, IncidentType, MediationOutcomeEnum, ReportIncidentInput, toIncident, toStep } from '../schema/incident.type.js';
import type { GqlContext } from './context.js';

async function present(ctx: GqlContext, incident: IncidentEntity): Promise<IncidentType> {
  const grid = await ctx.scope.loaders.gridById.load(incident.grid.id);
  return toIncident(incident, { code: grid?.code ?? '', name: grid?.name ?? '' });
}

const step = async (ctx: GqlContext, code: string, event: IncidentEvent, input: IncidentStepInput = {}) =>
  present(ctx, await ctx.scope.incidents.step(ctx.scope.actor, code, event, input));

@Resolver(() => IncidentType)
export class IncidentResolver {
  @Query(() => IncidentType, { description: 'One incident by code (case-insensitive, leading zeros optional).' })
  async incident(@Arg('code', () => String) code: string, @Ctx() ctx: GqlContext): Promise<IncidentType> {
    return present(ctx, await ctx.scope.incidents.get(ctx.scope.actor, code));
  }

  @Query(() => IncidentConnection, { description: 'Incidents under a subtree, newest first, with filters (Relay-style).' })
  async incidents(
    @Arg('filter', () => IncidentFilterInput, { nullable: true }) filter: IncidentFilterInput | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: GqlContext,
  ): Promise<IncidentConnection> {
    const f = filter ?? {};
    const { rows, hasNext } = await ctx.scope.incidents.list(
      ctx.scope.actor,
      { under: f.under ?? null, status: (f.status as IncidentState[] | null) ?? null, category: f.category ?? null, urgent: f.urgent ?? null, overdue: f.overdue ?? null, colour: f.disputeColor ?? null, department: f.department ?? null, from: f.from ?? null, to: f.to ?? null },
      first,
      after,
    );
    const edges = await Promise.all(rows.map(async (r) => Object.assign(new IncidentEdge(), { cursor: encodeCursor(r), node: await present(ctx, r) })));
    return Object.assign(new IncidentConnection(), {
      edges,
      pageInfo: Object.assign(new PageInfo(), { hasNextPage: hasNext, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null }),
    });
  }

  @FieldResolver(() => String, { nullable: true, description: 'The department it was last dispatched to (城管, 民政 …).' })
  async department(@Root() incident: IncidentType, @Ctx() ctx: GqlContext): Promise<string | null> {
    return incident.departmentId === null ? null : ((await ctx.scope.loaders.departmentById.load(incident.departmentId))?.name ?? null);
  }

  @FieldResolver(() => [IncidentDepartmentType], { description: 'Every department working it: the lead first, then co-departments (联合处置) with their parts.' })
  async departments(@Root() incident: IncidentType, @Ctx() ctx: GqlContext): Promise<IncidentDepartmentType[]> {
    const lead = incident.departmentId === null ? null : await ctx.scope.loaders.departmentById.load(incident.departmentId);
    const parts = await ctx.scope.loaders.partsOf.load(incident.dbId);
    const row = (r: Omit<IncidentDepartmentType, never>) => Object.assign(new IncidentDepartmentType(), r);
    return [
      ...(lead ? [row({ name: lead.name, lead: true, status: leadPartState(incident.status as IncidentState), deadlineAt: incident.deadlineAt, note: null })] : []),
      ...parts.map((p) => row({ name: p.department.name, lead: false, status: p.status, deadlineAt: p.deadlineAt, note: p.note ?? null })),
    ];
  }

  @FieldResolver(() => String, { nullable: true, description: 'The open incident this report looks like (a possible duplicate, or the survivor it was merged into).' })
  async duplicateOf(@Root() incident: IncidentType, @Ctx() ctx: GqlContext): Promise<string | null> {
    return incident.duplicateOfId === null ? null : ctx.scope.loaders.incidentCodeById.load(incident.duplicateOfId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The survivor this incident was merged into; figures count the matter there.' })
  async mergedInto(@Root() incident: IncidentType, @Ctx() ctx: GqlContext): Promise<string | null> {
    return incident.mergedIntoId === null ? null : ctx.scope.loaders.incidentCodeById.load(incident.mergedIntoId);
  }

  @Mutation(() => IncidentType, { description: 'Merge a duplicate report into the survivor (the centre): the duplicate is rejected as a duplicate, the survivor’s timeline keeps it, both reporters are told.' })
  async mergeIncidents(@Arg('survivor', () => String) survivor: string, @Arg('duplicate', () => String) duplicate: string, @Ctx() ctx: GqlContext): Promise<IncidentType> {
    return present(ctx, await ctx.scope.duplicates.merge(ctx.scope.actor, survivor, duplicate));
  }

  @Mutation(() => IncidentType, { description: 'Undo a duplicate link or a merge (the centre); a merged incident gets its state back.' })
  async splitIncident(@Arg('code', () => String) code: string, @Ctx() ctx: GqlContext): Promise<IncidentType> {
    return present(ctx, await ctx.scope.duplicates.split(ctx.scope.actor, code));
  }

  @FieldResolver(() => [IncidentStepType], { description: 'Every step, oldest first.' })
  async timeline(@Root() incident: IncidentType, @Ctx() ctx: GqlContext): Promise<IncidentStepType[]> {
    return (await ctx.scope.loaders.timelineOf.load(incident.dbId)).map(toStep);
  }

  @Mutation(() => IncidentType, { description: 'Report a matter in a grid of your subtree (一键上报).' })
  async reportIncident(@Arg('input', () => ReportIncidentInput) input: ReportIncidentInput, @Ctx() ctx: GqlContext): Promise<IncidentType> {
    const { disputeColor, ...rest } = input;
    return present(ctx, await ctx.scope.incidents.report(ctx.scope.actor, { ...rest, colour: disputeColor ?? null }));
  }

  @Mutation(() => IncidentType, { description: 'The centre (commander or operator, in scope) sets the category, e.g. of a report filed as OTHER with guesses; on the timeline as `recategorize`.' })
  async recategorizeIncident(@Arg('code', () => String) code: string, @Arg('category', () => CategoryEnum) category: string, @Ctx() ctx: GqlContext): Promise<IncidentType> {
    return present(ctx, await ctx.scope.incidents.recategorize(ctx.scope.actor, code, category));
  }

  @Mutation(() => IncidentType, { description: 'Handled on the spot by whoever found it (谁发现谁处置).' })
  handleIncident(@Arg('code', () => String) code: string, @Arg('note', () => String) note: string, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'handle', { note });
  }

  @Mutation(() => IncidentType, { description: 'Hand a report up to the grid centre.' })
  escalateIncident(@Arg('code', () => String) code: string, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'escalate', { note });
  }

  @Mutation(() => IncidentType)
  acceptIncident(@Arg('code', () => String) code: string, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'accept', { note });
  }

  @Mutation(() => IncidentType, { description: 'reason: duplicate, out_of_jurisdiction or other (with a note).' })
  rejectIncident(@Arg('code', () => String) code: string, @Arg('reason', () => String) reason: string, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'reject', { reason, note });
  }

  @Mutation(() => IncidentType, { description: 'Dispatch to a department serving the grid (accepting a report not yet accepted on the way, as #派单 does); deadline defaults to the policy.' })
  dispatchIncident(
    @Arg('code', () => String) code: string,
    @Arg('department', () => String) department: string,
    @Arg('deadline', () => Date, { nullable: true }) deadline: Date | null,
    @Arg('coDepartments', () => [String], { nullable: true, description: 'Joint handling (联合处置, for yellow disputes): co-departments beside the lead, each with its own part and deadline.' }) coDepartments: string[] | null,
    @Ctx() ctx: GqlContext,
  ) {
    return step(ctx, code, 'dispatch', { department, deadline, coDepartments });
  }

  @Mutation(() => IncidentType)
  startIncident(@Arg('code', () => String) code: string, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'start');
  }

  @Mutation(() => IncidentType, { description: 'The department sends it back; it is dispatched again.' })
  returnIncident(@Arg('code', () => String) code: string, @Arg('note', () => String) note: string, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'return', { note });
  }

  @Mutation(() => IncidentType, { description: 'The department resolved it (a co-department: its part); photos optional, the worker’s revisit brings the after-photo.' })
  resolveIncident(@Arg('code', () => String) code: string, @Arg('note', () => String) note: string, @Arg('photos', () => [String], { nullable: true }) photos: string[] | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'resolve', { note, photos });
  }

  @Mutation(() => IncidentType, { description: 'The worker revisits with the after-photo.' })
  verifyIncident(@Arg('code', () => String) code: string, @Arg('photos', () => [String]) photos: string[], @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'verify', { photos, note });
  }

  @Mutation(() => IncidentType, { description: 'The resident’s verdict: satisfied closes, not satisfied reopens.' })
  rateIncident(@Arg('code', () => String) code: string, @Arg('satisfied', () => Boolean) satisfied: boolean, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'rate', { satisfied, note });
  }

  @Mutation(() => IncidentType)
  closeIncident(@Arg('code', () => String) code: string, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'close', { note });
  }

  @Mutation(() => IncidentType)
  reopenIncident(@Arg('code', () => String) code: string, @Arg('note', () => String) note: string, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'reopen', { note });
  }

  @Mutation(() => IncidentType, { description: 'Record a mediation attempt; a blue dispute turns yellow after three failures.' })
  mediateIncident(@Arg('code', () => String) code: string, @Arg('outcome', () => MediationOutcomeEnum) outcome: MediationOutcomeEnum, @Arg('note', () => String, { nullable: true }) note: string | null, @Ctx() ctx: GqlContext) {
    return step(ctx, code, 'mediate', { outcome, note });
  }

  @Subscription(() => IncidentChangeType, {
    description: 'Every step of every incident under `scope` (default: the caller’s subtree).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { scope?: string | null }, GqlContext>) => context.scope.incidents.watchChanges(context.scope.actor, args.scope ?? null),
  })
  incidentChanged(@Root() e: IncidentChangedEvent, @Arg('scope', () => String, { nullable: true }) _scope?: string): IncidentChangeType {
    return Object.assign(new IncidentChangeType(), { code: e.code, event: e.event, status: e.status, at: new Date(e.at), path: e.path });
  }
}

/** `incidentChanged { incident { … } }`: the incident as it is now, so a dashboard needs no second query. */
@Resolver(() => IncidentChangeType)
export class IncidentChangeResolver {
  @FieldResolver(() => IncidentType, { description: 'The incident as it is after this step.' })
  async incident(@Root() change: IncidentChangeType, @Ctx() ctx: GqlContext): Promise<IncidentType> {
    return present(ctx, await ctx.scope.incidents.get(ctx.scope.actor, change.code));
  }
}
