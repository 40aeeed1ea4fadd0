import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { BindAlertEntity } from '../entities/bind-alert.entity.js';
import type { BindCodeEntity } from '../entities/bind-code.entity.js';
import type { BotAccountStatus } from '../services/bots.port.js';
import type { GroupBinding } from '../services/binding.service.js';
import type { DeliveryRow } from '../services/delivery.service.js';
import type { DeliveryCounts } from '../repositories/outbox.repository.js';
import type { DeliveryProgress, FleetAccountRow } from '../services/fleet.service.js';
import { laneOf } from '../domain/delivery-lanes.js';

@ObjectType('ChatGroup', { description: 'A WeChat group the bot is in, and the grid it belongs to.' })
export class ChatGroupType {
  @Field(() => String)
  roomId!: string;

  @Field(() => String, { description: 'The bot account that serves this group.' })
  botAccount!: string;

  @Field(() => String, { nullable: true, description: 'Code of the grid the group is bound to.' })
  grid!: string | null;

  @Field(() => String, { nullable: true, description: 'Or the department (城管 …) the group is bound to.' })
  department!: string | null;
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

@ObjectType('PendingBinding', { description: "A commander's or instructor's `#绑定 CODE` waiting for the code's issuer to confirm it (`confirmBinding`)." })
export class PendingBindingType {
  @Field(() => String)
  code!: string;

  @Field(() => Int)
  member!: number;

  @Field(() => String)
  memberName!: string;

  @Field(() => String, { description: 'The WeChat name of the contact that sent the code.' })
  contactName!: string;

  @Field(() => Date)
  requestedAt!: Date;
}

export const toPendingBinding = (b: BindCodeEntity): PendingBindingType =>
  Object.assign(new PendingBindingType(), { code: b.code, member: b.member.id, memberName: b.member.name, contactName: b.pendingContactName ?? '', requestedAt: b.pendingAt ?? b.createdAt });

@ObjectType('BindAlert', { description: 'A WeChat contact or group locked after too many wrong bind codes.' })
export class BindAlertType {
  @Field(() => String, { description: '`contact` or `group`: what was locked.' })
  locked!: string;

  @Field(() => String)
  contactName!: string;

  @Field(() => String)
  roomId!: string;

  @Field(() => Date)
  lockedUntil!: Date;

  @Field(() => Date)
  at!: Date;
}

export const toBindAlert = (a: BindAlertEntity): BindAlertType =>
  Object.assign(new BindAlertType(), { locked: a.locked, contactName: a.contactName, roomId: a.roomId, lockedUntil: a.lockedUntil, at: a.at });

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

  @Field(() => String, { description: 'pending, sent, failed (after its last retry) or undeliverable (no online account in its group for BOT_UNDELIVERABLE_AFTER_MS).' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'The bot account that sent it (or is sending it), chosen when it is sent.' })
  account!: string | null;

  @Field(() => Int, { description: 'Its lane priority, 0 first (lane says which).' })
  priority!: number;

  @Field(() => String, { description: 'urgent, reply, routine, chase or bulk.' })
  lane!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  sentAt!: Date | null;
}

@ObjectType('BotAccount', { description: 'One bot account of the fleet (any hub instance) and its state.' })
export class BotAccountType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  puppet!: string;

  @Field(() => String, { description: 'starting, scan (waiting for a QR scan), logged_in, logged_out, error, stopped (accounts of other instances: from their fleet status).' })
  state!: string;

  @Field(() => String, { description: 'The fleet state: online, waiting_for_scan, offline, rate_limited, retired.' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'The hub instance serving it (holding its lease).' })
  instance!: string | null;

  @Field(() => Date, { nullable: true })
  leaseUntil!: Date | null;

  @Field(() => Date, { nullable: true })
  heartbeatAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'While rate_limited: when it tries again.' })
  rateLimitedUntil!: Date | null;

  @Field(() => Int)
  sendsToday!: number;

  @Field(() => Int, { description: 'Messages it has claimed and not sent yet.' })
  claimed!: number;

  @Field(() => Int, { description: 'Groups it sits in.' })
  groups!: number;

  @Field(() => String, { nullable: true })
  user!: string | null;

  @Field(() => Date, { nullable: true, description: 'Since when it is in its state on this instance (null: served elsewhere).' })
  since!: Date | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@ObjectType('DeliveryCounts', { description: 'Messages by delivery status.' })
export class DeliveryCountsType {
  @Field(() => Int, { description: 'Waiting or being sent.' })
  queued!: number;

  @Field(() => Int)
  sent!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  undeliverable!: number;
}

@ObjectType('LaneDelivery', { description: 'One priority lane of a delivery.' })
export class LaneDeliveryType extends DeliveryCountsType {
  @Field(() => String)
  lane!: string;

  @Field(() => Int)
  priority!: number;
}

@ObjectType('AccountDelivery', { description: 'What one bot account has of a delivery (account null: not yet claimed).' })
export class AccountDeliveryType extends DeliveryCountsType {
  @Field(() => String, { nullable: true })
  account!: string | null;
}

@ObjectType('DeliveryProgress', { description: 'How the messages about one code (instruction, incident, round) are getting out.' })
export class DeliveryProgressType {
  @Field(() => String)
  ref!: string;

  @Field(() => DeliveryCountsType)
  total!: DeliveryCountsType;

  @Field(() => [LaneDeliveryType])
  lanes!: LaneDeliveryType[];

  @Field(() => [AccountDeliveryType])
  accounts!: AccountDeliveryType[];
}

const counts = <T extends object>(into: T, c: DeliveryCounts): T => Object.assign(into, { queued: c.pending, sent: c.sent, failed: c.failed, undeliverable: c.undeliverable });

export const toDeliveryProgress = (p: DeliveryProgress): DeliveryProgressType =>
  Object.assign(new DeliveryProgressType(), {
    ref: p.ref,
    total: counts(new DeliveryCountsType(), p.total),
    lanes: p.lanes.map((l) => counts(Object.assign(new LaneDeliveryType(), { lane: l.lane, priority: l.priority }), l)),
    accounts: p.accounts.map((a) => counts(Object.assign(new AccountDeliveryType(), { account: a.account }), a)),
  });

/** The local state name for a fleet state (accounts served by another instance). */
const STATE_OF: Record<string, BotAccountStatus['state']> = { online: 'logged_in', rate_limited: 'logged_in', waiting_for_scan: 'scan', offline: 'logged_out' };

/** An account of the fleet table, with this instance's live status when it serves it. */
export const toFleetAccount = (a: FleetAccountRow, local: BotAccountStatus | undefined): BotAccountType =>
  Object.assign(new BotAccountType(), {
    name: a.name,
    puppet: a.puppet,
    state: local?.state ?? (a.retiredAt ? 'stopped' : (STATE_OF[a.state] ?? 'logged_out')),
    status: a.retiredAt ? 'retired' : a.state,
    instance: a.instanceId,
    leaseUntil: a.leaseUntil,
    heartbeatAt: a.heartbeatAt,
    rateLimitedUntil: a.rateLimitedUntil,
    sendsToday: a.sendsToday,
    claimed: a.claimed,
    groups: a.groups,
    user: local?.user ?? null,
    since: local?.since ?? null,
    error: local?.error ?? null,
  });

export const toChatGroup = (g: GroupBinding): ChatGroupType => Object.assign(new ChatGroupType(), { roomId: g.roomId, botAccount: g.botAccount, grid: g.grid?.code ?? null, department: g.department?.name ?? null });
export const toOutboxMessage = (r: DeliveryRow): OutboxMessageType => Object.assign(new OutboxMessageType(), { ...r, grid: r.gridCode, account: r.botAccount, lane: laneOf(r.priority) });
