import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * The last incident sequence number per day (grid time zone). Bumped with an upsert inside the
 * report's transaction: the row lock serialises concurrent reports and a rollback returns the
 * number, so codes are unique and gap-free.
 */
@Entity({ tableName: 'incident_day_seq' })
export class IncidentDaySeqEntity {
  @PrimaryKey({ type: 'string', length: 8 })
  day!: string;

  @Property({ type: 'integer' })
  last!: number;
}
