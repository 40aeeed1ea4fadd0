import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { IncidentEntity } from './incident.entity.js';

/** One step of an incident's timeline: immutable, written in the transaction of the step. */
@Entity({ tableName: 'incident_event' })
export class IncidentEventEntity {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => IncidentEntity, { fieldName: 'incident_id', deleteRule: 'restrict', index: true })
  incident!: Rel<IncidentEntity>;

  @Property({ type: 'string', length: 16 })
  event!: string;

  @Property({ type: 'string', length: 16, nullable: true })
  fromState?: string | null;

  @Property({ type: 'string', length: 16 })
  toState!: string;

  @Property({ type: 'string', length: 16 })
  actorRole!: string;

  @Property({ type: 'integer', nullable: true })
  actorMemberId?: number | null;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'json', default: '[]' })
  photos: string[] = [];

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
