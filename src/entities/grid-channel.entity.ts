import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel, Unique } from '@mikro-orm/core';
import { GridEntity } from './grid.entity.js';

/**
 * A second way to reach a grid besides its WeChat group: today a WeCom (企业微信) group robot's
 * webhook. One per grid and kind. `target` holds the webhook URL, sealed with CHANNEL_SECRET_KEY
 * when it is set (infra/secret-box.ts); `hint` is what the API shows instead (the key masked).
 * `recentSends` (epoch ms, oldest first) and `pausedUntil` pace the robot across every hub
 * instance: the row is locked while a sender claims a message for it.
 */
@Entity({ tableName: 'grid_channel' })
@Unique({ properties: ['grid', 'kind'] })
export class GridChannelEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => GridEntity, { fieldName: 'grid_id', deleteRule: 'cascade' })
  grid!: Rel<GridEntity>;

  /** `wecom` (channels/channel.port.ts lists the kinds). */
  @Property({ type: 'string', length: 16 })
  kind!: string;

  @Property({ type: 'text' })
  target!: string;

  @Property({ type: 'string', length: 128 })
  hint!: string;

  @Property({ type: 'json', default: '[]' })
  recentSends: number[] & Opt = [];

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  pausedUntil?: Date | null;

  @Property({ type: 'integer', nullable: true })
  setByMemberId?: number | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  setAt!: Date;
}
