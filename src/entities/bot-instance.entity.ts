import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A hub instance that runs bots, alive while its heartbeat is recent: instances share the
 * accounts fairly (each serves about accounts / live instances, up to its capacity).
 */
@Entity({ tableName: 'bot_instance' })
export class BotInstanceEntity {
  @PrimaryKey({ type: 'string', length: 128 })
  id!: string;

  /** How many accounts it may serve (BOT_INSTANCE_CAPACITY). */
  @Property({ type: 'integer' })
  capacity!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  heartbeatAt!: Date;
}
