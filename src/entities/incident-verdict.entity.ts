import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { IncidentEntity } from './incident.entity.js';

/**
 * One verdict on a resolved incident (拍拍板), whoever gave it: a member (a worker relaying it,
 * or the reporter) or an unbound WeChat contact (a resident who reported, 网格粉丝), kept with
 * the contact since a resident has no member id. The incident's `satisfied` holds the latest.
 */
@Entity({ tableName: 'incident_verdict' })
export class IncidentVerdictEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => IncidentEntity, { fieldName: 'incident_id', deleteRule: 'cascade', index: true })
  incident!: Rel<IncidentEntity>;

  @Property({ type: 'boolean' })
  satisfied!: boolean;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'integer', nullable: true })
  memberId?: number | null;

  /** The WeChat contact who gave it (residents; members speaking in the chat too). */
  @Property({ type: 'string', length: 128, nullable: true })
  contactId?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  contactName?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
