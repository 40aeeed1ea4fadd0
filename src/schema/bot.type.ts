import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { BotAccountStatus } from '../services/bots.port.js';
import type { GroupBinding } from '../services/binding.service.js';
import type { DeliveryRow } from '../services/delivery.service.js';

@ObjectType('ChatGroup', { description: 'A WeChat group the bot is in, and the grid it belongs to.' })
export class ChatGroupType {
  @Field(() => String)
  roomId!: string;

  @Field(() => String, { description: 'The bot account that serves this group.' })
  botAccount!: string;

  @Field(() => String, { nullable: true, description: 'Code of the grid the group is bound to.' })
  grid!: string | null;
}

@ObjectType('BindCode', { description: 'A one-time code a member types as `#绑定 CODE` to link their WeChat.' })
export class BindCodeType {
  @Field(() => String)
  code!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Int)
  member!: number;
}

@ObjectType('OutboxMessage', { description: 'Something the bot queued for a group, and whether it went out.' })
export class OutboxMessageType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  roomId!: string;

  @Field(() => String, { nullable: true })
  grid!: string | null;

  @Field(() => String, { description: 'reply, instruction, reminder, rollcall, …' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'The incident, instruction or round it concerns.' })
  ref!: string | null;

  @Field(() => String)
  text!: string;

  @Field(() => String, { description: 'pending, sent or failed (after its last retry).' })
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;
}

@ObjectType('BotAccount', { description: 'One bot account and its login state.' })
export class BotAccountType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  puppet!: string;

  @Field(() => String, { description: 'starting, scan (waiting for a QR scan), logged_in, logged_out, error, stopped.' })
  state!: string;

  @Field(() => String, { nullable: true })
  user!: string | null;

  @Field(() => Date)
  since!: Date;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

export const toChatGroup = (g: GroupBinding): ChatGroupType => Object.assign(new ChatGroupType(), { roomId: g.roomId, botAccount: g.botAccount, grid: g.grid?.code ?? null });
export const toOutboxMessage = (r: DeliveryRow): OutboxMessageType => Object.assign(new OutboxMessageType(), { ...r, grid: r.gridCode });
export const toBotAccount = (b: BotAccountStatus): BotAccountType => Object.assign(new BotAccountType(), { name: b.name, puppet: b.puppet, state: b.state, user: b.user, since: b.since, error: b.error });
