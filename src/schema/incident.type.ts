import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CATEGORY_IDS } from '../domain/categories.js';
import { DISPUTE_COLOURS, MEDIATION_OUTCOMES } from '../domain/dispute-colours.js';
import { INCIDENT_STATES } from '../domain/incident-transitions.js';
import { DEPARTMENT_PART_STATES } from '../domain/joint-handling.js';
import type { IncidentEventEntity } from '../entities/incident-event.entity.js';
import type { IncidentEntity } from '../entities/incident.entity.js';
import { enumOf, type EnumValue } from './enums.js';

/** Incident categories of docs/bot-language.md#categories (sanitation, safety_hazard …) as an upper-case enum. */
export const CategoryEnum = enumOf(CATEGORY_IDS, { name: 'IncidentCategory' });
export const IncidentStatusEnum = enumOf(INCIDENT_STATES, { name: 'IncidentStatus' });
export const DisputeColourEnum = enumOf(DISPUTE_COLOURS, { name: 'DisputeColor' });
export type DisputeColourEnum = EnumValue<typeof DisputeColourEnum>;
export const MediationOutcomeEnum = enumOf(MEDIATION_OUTCOMES, { name: 'MediationOutcome' });
export type MediationOutcomeEnum = EnumValue<typeof MediationOutcomeEnum>;

@ObjectType('IncidentGridRef')
export class IncidentGridRef {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType('IncidentStep', { description: 'One immutable entry of an incident’s timeline.' })
export class IncidentStepType {
  @Field(() => String)
  event!: string;

  @Field(() => IncidentStatusEnum, { nullable: true })
  from!: string | null;

  @Field(() => IncidentStatusEnum)
  to!: string;

  @Field(() => String)
  actorRole!: string;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => [String])
  photos!: string[];

  @Field(() => Date)
  at!: Date;
}

export const toStep = (e: IncidentEventEntity): IncidentStepType =>
  Object.assign(new IncidentStepType(), { event: e.event, from: e.fromState ?? null, to: e.toState, actorRole: e.actorRole, note: e.note ?? null, photos: e.photos, at: e.at });

@ObjectType('CategoryGuess', { description: 'One of the category classifier’s guesses for a report.' })
export class CategoryGuessType {
  @Field(() => CategoryEnum)
  category!: string;

  @Field(() => Float, { description: 'The classifier’s probability, 0–1.' })
  confidence!: number;
}

export const DepartmentPartStatusEnum = enumOf(DEPARTMENT_PART_STATES, { name: 'DepartmentPartStatus' });

@ObjectType('IncidentDepartment', { description: 'A department working an incident: the lead, or a co-department with its own part (联合处置).' })
export class IncidentDepartmentType {
  @Field(() => String)
  name!: string;

  @Field(() => Boolean, { description: 'The lead department (`Incident.department`); the others are co-departments.' })
  lead!: boolean;

  @Field(() => DepartmentPartStatusEnum, { nullable: true, description: 'Its part: DISPATCHED, IN_PROGRESS, RESOLVED or RETURNED (the lead’s follows the incident).' })
  status!: string | null;

  @Field(() => Date, { description: 'Its own deadline from the policy.' })
  deadlineAt!: Date;

  @Field(() => String, { nullable: true, description: 'What it reported, or why it returned its part.' })
  note!: string | null;
}

@ObjectType('IncidentPlace', { description: 'Where an incident is, with coordinates: from a WeChat location message sent with the report, or given with it.' })
export class IncidentPlaceType {
  @Field(() => String, { nullable: true, description: 'What the place is called: the incident’s `location` (a location message’s name, else its address).' })
  name!: string | null;

  @Field(() => String, { nullable: true })
  address!: string | null;

  @Field(() => Float)
  latitude!: number;

  @Field(() => Float)
  longitude!: number;
}

@InputType('PlaceInput', { description: 'A place with coordinates, as a WeChat location message gives it.' })
export class PlaceInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => Float, { description: '−90 to 90.' })
  latitude!: number;

  @Field(() => Float, { description: '−180 to 180.' })
  longitude!: number;
}

@ObjectType('Incident')
export class IncidentType {
  @Field(() => ID)
  id!: string;

  dbId!: number;

  @Field(() => String, { description: 'E{yyyymmdd}-{seq}, the day in the grid’s time zone.' })
  code!: string;

  @Field(() => IncidentStatusEnum)
  status!: string;

  @Field(() => CategoryEnum)
  category!: string;

  @Field(() => [CategoryGuessType], {
    description: 'Filed as OTHER because the classifier was unsure: its two best guesses, best first (empty otherwise, and after recategorizeIncident).',
  })
  categoryGuesses!: CategoryGuessType[];

  @Field(() => Boolean)
  urgent!: boolean;

  @Field(() => String)
  description!: string;

  @Field(() => String, { nullable: true, description: 'Where, in words (the place’s name when a location was sent).' })
  location!: string | null;

  @Field(() => IncidentPlaceType, { nullable: true, description: 'The place with its coordinates; null until a location is known.' })
  place!: IncidentPlaceType | null;

  @Field(() => IncidentGridRef)
  grid!: IncidentGridRef;

  @Field(() => DisputeColourEnum, { nullable: true })
  disputeColor!: string | null;

  @Field(() => Int)
  failedMediations!: number;

  /** Loaded by a field resolver (department names batch through a loader). */
  departmentId!: number | null;

  /** Ids of the linked incidents; their codes are field resolvers. */
  duplicateOfId!: number | null;
  mergedIntoId!: number | null;

  @Field(() => Boolean, { nullable: true })
  satisfied!: boolean | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  deadlineAt!: Date;

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;
}

export const toIncident = (i: IncidentEntity, grid: { code: string; name: string }): IncidentType =>
  Object.assign(new IncidentType(), {
    id: i.code,
    dbId: i.id,
    code: i.code,
    status: i.status,
    category: i.category,
    categoryGuesses: (i.categoryGuesses ?? []).map((g) => Object.assign(new CategoryGuessType(), { category: g.category, confidence: g.confidence })),
    urgent: i.urgent,
    description: i.description,
    location: i.location ?? null,
    place:
      i.latitude == null || i.longitude == null
        ? null
        : Object.assign(new IncidentPlaceType(), { name: i.location ?? null, address: i.locationAddress ?? null, latitude: i.latitude, longitude: i.longitude }),
    grid: Object.assign(new IncidentGridRef(), { code: grid.code, name: grid.name }),
    departmentId: i.department?.id ?? null,
    duplicateOfId: i.duplicateOf?.id ?? null,
    mergedIntoId: i.mergedInto?.id ?? null,
    disputeColor: i.disputeColour ?? null,
    failedMediations: i.failedMediations,
    satisfied: i.satisfied ?? null,
    createdAt: i.createdAt,
    deadlineAt: i.deadlineAt,
    closedAt: i.closedAt ?? null,
  });

@ObjectType('IncidentChange')
export class IncidentChangeType {
  @Field(() => String)
  code!: string;

  @Field(() => String, { description: 'The step taken: report, handle, dispatch …' })
  event!: string;

  @Field(() => IncidentStatusEnum)
  status!: string;

  @Field(() => Date)
  at!: Date;

  /** The incident the field resolver loads (`incident { … }` beside the event). */
  path!: string;
}

@InputType('ReportIncidentInput')
export class ReportIncidentInput {
  @Field(() => String)
  grid!: string;

  @Field(() => String)
  description!: string;

  @Field(() => CategoryEnum, { nullable: true, description: 'Omitted: classified from the description.' })
  category?: string | null;

  @Field(() => Boolean, { nullable: true })
  urgent?: boolean | null;

  @Field(() => String, { nullable: true })
  location?: string | null;

  @Field(() => PlaceInput, { nullable: true, description: 'Coordinates of the place (its name becomes `location` when that is not given).' })
  place?: PlaceInput | null;

  @Field(() => DisputeColourEnum, { nullable: true, description: 'Disputes only; default red when urgent, else blue.' })
  disputeColor?: DisputeColourEnum | null;

  @Field(() => [String], { nullable: true, description: 'Storage keys of photos already uploaded.' })
  photos?: string[] | null;
}
