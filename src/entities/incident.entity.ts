import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import type { CategoryId } from '../domain/categories.js';
import type { CategoryGuess } from '../domain/chat/index.js';
import type { IncidentState } from '../domain/incident-transitions.js';
import { DepartmentEntity } from './department.entity.js';
import { GridEntity } from './grid.entity.js';
import { MemberEntity } from './member.entity.js';

/**
 * A reported matter. `path` copies its grid's ltree path so subtree filters and live feeds need
 * no join; grids with incidents cannot move, so the copy cannot go stale.
 */
@Entity({ tableName: 'incident' })
@Index({
  name: 'incident_open_deadline_index',
  expression: `create index "incident_open_deadline_index" on "incident" ("deadline_at") where "status" in ('reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'returned')`,
})
export class IncidentEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 20, unique: true })
  code!: string;

  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', deleteRule: 'restrict', index: true })
  grid!: Rel<GridEntity>;

  /** With `created_at` (btree_gist): a subtree's incidents of a few hours are one index range (the edges of a stats period). */
  @Index({ name: 'incident_path_gist', expression: 'create index "incident_path_gist" on "incident" using gist ("path", "created_at")' })
  @Property({ type: 'string', columnType: 'ltree' })
  path!: string;

  @ManyToOne(() => MemberEntity, { fieldName: 'reporter_id', nullable: true, deleteRule: 'restrict' })
  reporter?: Rel<MemberEntity> | null;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'string', length: 24 })
  category!: CategoryId;

  /** Filed as `other` because the classifier was unsure: its two best guesses, for the centre to re-categorise; else null. */
  @Property({ type: 'json', nullable: true })
  categoryGuesses?: CategoryGuess[] | null;

  @Property({ type: 'boolean', default: false })
  urgent: boolean & Opt = false;

  /** Where, in words: typed with the report, or the name of a WeChat location sent with it. */
  @Property({ type: 'text', nullable: true })
  location?: string | null;

  /** The address of a WeChat location sent with the report (or given with its coordinates). */
  @Property({ type: 'text', nullable: true })
  locationAddress?: string | null;

  /** Coordinates of the place, when a location message or the reporter gave them. */
  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  latitude?: number | null;

  @Property({ type: 'double', runtimeType: 'number', nullable: true })
  longitude?: number | null;

  @Index()
  @Property({ type: 'string', length: 16 })
  status!: IncidentState;

  @Property({ type: 'string', length: 8, nullable: true })
  disputeColour?: string | null;

  @Property({ type: 'integer', default: 0 })
  failedMediations: number & Opt = 0;

  @ManyToOne(() => DepartmentEntity, { fieldName: 'department_id', nullable: true, deleteRule: 'restrict' })
  department?: Rel<DepartmentEntity> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  deadlineAt!: Date;

  @Property({ type: 'boolean', nullable: true })
  satisfied?: boolean | null;

  @Index()
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  closedAt?: Date | null;

  /** A possible duplicate of this open incident, linked when it was reported (text similarity, same or neighbouring grid, recent). */
  @ManyToOne(() => IncidentEntity, { fieldName: 'duplicate_of_id', nullable: true, deleteRule: 'set null' })
  duplicateOf?: Rel<IncidentEntity> | null;

  /** Merged by the centre into this survivor: figures count the matter once, on the survivor. */
  @ManyToOne(() => IncidentEntity, { fieldName: 'merged_into_id', nullable: true, deleteRule: 'set null' })
  mergedInto?: Rel<IncidentEntity> | null;

  /** Where the report came from when a channel can send it twice (`wechat:<bot>:<message id>`): unique, so a redelivered or resumed message never files a second incident. */
  @Property({ type: 'string', length: 200, nullable: true, unique: true })
  sourceKey?: string | null;
}
