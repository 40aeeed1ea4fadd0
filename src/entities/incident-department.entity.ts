import { Entity, ManyToOne, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import type { DepartmentPartState } from '../domain/joint-handling.js';
import { DepartmentEntity } from './department.entity.js';
import { IncidentEntity } from './incident.entity.js';

/**
 * A co-department's part of an incident handled jointly (联合处置): the lead department is
 * `incident.department`; each co-department dispatched beside it accepts, returns or resolves
 * its own part, with its own deadline from the policy.
 */
@Entity({ tableName: 'incident_department' })
@Unique({ properties: ['incident', 'department'] })
export class IncidentDepartmentEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => IncidentEntity, { fieldName: 'incident_id', deleteRule: 'cascade' })
  incident!: Rel<IncidentEntity>;

  @ManyToOne(() => DepartmentEntity, { fieldName: 'department_id', deleteRule: 'restrict', index: true })
  department!: Rel<DepartmentEntity>;

  @Property({ type: 'string', length: 16 })
  status!: DepartmentPartState;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  deadlineAt!: Date;

  /** The co-department's last word on its part: what it did, or why it sent the part back. */
  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  updatedAt!: Date;
}
