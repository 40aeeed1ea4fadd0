import { Entity, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { DepartmentEntity } from './department.entity.js';
import { IncidentEntity } from './incident.entity.js';

/**
 * Overdue department work handed to the department's head, once per (incident, department,
 * lapsed deadline): however many instances run the job, one lapse reaches the head once.
 */
@Entity({ tableName: 'department_escalation' })
@Unique({ properties: ['incident', 'department', 'lapsedDeadline'] })
export class DepartmentEscalationEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => IncidentEntity, { fieldName: 'incident_id', deleteRule: 'cascade' })
  incident!: Rel<IncidentEntity>;

  @ManyToOne(() => DepartmentEntity, { fieldName: 'department_id', deleteRule: 'restrict', index: true })
  department!: Rel<DepartmentEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  lapsedDeadline!: Date;

  /** The head told (a member id), or null when the department has none. */
  @Property({ type: 'integer', nullable: true })
  headMemberId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
