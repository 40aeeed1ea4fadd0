import { Entity, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { GridEntity } from './grid.entity.js';
import { IncidentEntity } from './incident.entity.js';

/**
 * An overdue incident handed one level up the tree. Unique per (incident, lapsed deadline):
 * however many instances run the job, one lapse is escalated once.
 */
@Entity({ tableName: 'incident_escalation' })
@Unique({ properties: ['incident', 'lapsedDeadline'] })
export class IncidentEscalationEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => IncidentEntity, { fieldName: 'incident_id', deleteRule: 'restrict', index: true })
  incident!: Rel<IncidentEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  lapsedDeadline!: Date;

  @ManyToOne(() => GridEntity, { fieldName: 'target_grid_id', deleteRule: 'restrict' })
  target!: Rel<GridEntity>;

  /** Who was told: "role:name" of the target grid's chiefs and commanders. */
  @Property({ type: 'json' })
  notified!: string[];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
