import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A WeChat contact or group locked for sending wrong bind codes (RATE_LIMIT_BIND_FAILURES):
 * shown to the issuers of bind codes over GraphQL (`bindAlerts`) beside the bot's message to them.
 */
@Entity({ tableName: 'bind_alert' })
@Index({ properties: ['at'] })
export class BindAlertEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** `contact` or `group`: what was locked. */
  @Property({ type: 'string', length: 16 })
  locked!: string;

  @Property({ type: 'string', length: 128 })
  contactId!: string;

  @Property({ type: 'string', length: 128 })
  contactName!: string;

  @Property({ type: 'string', length: 128 })
  roomId!: string;

  /** The group's grid (null: a group not bound to a grid, seen by the operator only). */
  @Property({ type: 'integer', nullable: true })
  gridId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  lockedUntil!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  at!: Date;
}
