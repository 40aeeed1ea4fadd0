import { Field, Int, ObjectType } from 'type-graphql';
import type { GridChannelRow } from '../services/channel.service.js';

@ObjectType('GridChannel', { description: 'A second way to reach a grid besides its WeChat group (a WeCom robot), and what went through it.' })
export class GridChannelType {
  @Field(() => String)
  grid!: string;

  @Field(() => String)
  gridName!: string;

  @Field(() => String, { description: 'wecom.' })
  kind!: string;

  @Field(() => String, { description: 'The target with its secret masked (the webhook key is never returned).' })
  hint!: string;

  @Field(() => Date)
  setAt!: Date;

  @Field(() => Int, { description: 'Messages waiting to go out through it.' })
  pending!: number;

  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  failed!: number;
}

export const toGridChannel = (r: GridChannelRow): GridChannelType =>
  Object.assign(new GridChannelType(), { grid: r.gridCode, gridName: r.gridName, kind: r.kind, hint: r.hint, setAt: r.setAt, pending: r.pending, sent: r.sent, failed: r.failed });
