import { randomInt } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isWithin } from '../domain/grid-levels.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import { mayGrantRole, ROLE_LABELS, type MemberRole } from '../domain/roles.js';
import { BindAlertEntity } from '../entities/bind-alert.entity.js';
import { rateLimited } from '../infra/rate-limits.js';
import { bindingConfirmedText, bindLockedAlertText } from '../texts/zh/index.js';
import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { BindCodeEntity } from '../entities/bind-code.entity.js';
import { ChatGroupEntity } from '../entities/chat-group.entity.js';
import { DepartmentEntity } from '../entities/department.entity.js';
import { GridEntity } from '../entities/grid.entity.js';
import { MemberContactEntity } from '../entities/member-contact.entity.js';
import { MemberEntity } from '../entities/member.entity.js';
import { BindingRepository } from '../repositories/binding.repository.js';
import { DemoRepository } from '../repositories/demo.repository.js';
import { FleetRepository } from '../repositories/fleet.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';
import type { ServiceDeps } from './context.js';
import { assertMay, type GridService } from './grid.service.js';
import { DEMO_ROOM } from '../domain/demo-ids.js';

/** How long a one-time bind code is valid. */
export const BIND_CODE_TTL_HOURS = 72;

/** A group's binding as the bot needs it. */
export interface GroupBinding {
  roomId: string;
  botAccount: string;
  grid: { id: number; code: string; path: string; name: string } | null;
  /** A department's group (bound like a grid's): dispatch notices go there. */
  department?: { id: number; name: string } | null;
}

/** Where a `#绑定` was sent: the group, its bot account and its grid (null: not bound to one). */
export interface BindPlace {
  roomId: string;
  botAccount: string;
  grid: { id: number; code: string; path: string } | null;
}

/** What `#绑定 CODE` did: bound the contact, or filed it for the issuer's confirmation. */
export type BindOutcome = { pending: false; binding: ContactBinding } | { pending: true; name: string };

/** Roles whose binding the code's issuer confirms over GraphQL: they command and instruct the whole subtree. */
export const CONFIRMED_ROLES: readonly MemberRole[] = ['commander', 'instructor'];

/** A WeChat contact bound to a member, with what makes them an actor. */
export interface ContactBinding {
  memberId: number;
  name: string;
  actor: Actor;
}

/**
 * Which WeChat group belongs to which grid, and which WeChat contact is which member.
 * Groups are bound by an admin or commander (`bindGroup`) or by the grid's own chief in the
 * group (`#绑定群 CODE`); contacts bind themselves with a one-time code an admin gave them.
 */
export class BindingService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  /** Records a group the bot is in (unbound until someone binds it). Idempotent. */
  async seeGroup(roomId: string, botAccount: string, topic: string | null): Promise<GroupBinding> {
    const em = this.deps.em;
    let group = await em.findOne(ChatGroupEntity, { roomId }, { populate: ['grid', 'department'] });
    if (!group) {
      await new BindingRepository(em).insertGroupIfAbsent(roomId, topic?.slice(0, 128) ?? null, botAccount, this.deps.clock.now());
      group = await em.findOneOrFail(ChatGroupEntity, { roomId }, { populate: ['grid', 'department'] });
    }
    return toBinding(group);
  }

  /** The group's binding, or null when the bot has never seen it. */
  async group(roomId: string): Promise<GroupBinding | null> {
    const group = await this.deps.em.findOne(ChatGroupEntity, { roomId }, { populate: ['grid', 'department'] });
    return group ? toBinding(group) : null;
  }

  /**
   * Binds a group to a grid. Admins and commanders may bind any grid in their subtree; a chief
   * only their own grid. A grid has one group: binding a second is CONFLICT until the first is
   * unbound. Without `botAccount`, the account that saw the group serves it; a group no
   * account has seen needs one.
   */
  async bindGroup(actor: Actor, input: { roomId: string; grid: string; botAccount?: string | null; topic?: string | null }): Promise<GroupBinding> {
    const botAccount = input.botAccount ?? (await this.group(input.roomId.trim()))?.botAccount;
    if (!botAccount) throw new DomainError('BAD_USER_INPUT', 'the bot has not seen this group yet: give botAccount');
    const grid = await this.grids.get(actor, input.grid);
    if (actor.role === 'chief') {
      if (actor.gridId !== grid.id) throw new DomainError('FORBIDDEN', `a chief may bind a group only to their own grid ${actor.gridCode}`, { reason: 'OWN_GRID_ONLY', grid: actor.gridCode ?? '' });
    } else {
      assertMay(actor, 'group.bind');
    }
    const roomId = input.roomId.trim();
    if (!roomId || roomId.length > 128) throw new DomainError('BAD_USER_INPUT', 'roomId must be 1 to 128 characters');
    return this.deps.em.transactional(async (tx) => {
      const taken = await tx.findOne(ChatGroupEntity, { grid }, { populate: ['grid', 'department'] });
      if (taken && taken.roomId !== roomId) throw new DomainError('CONFLICT', `grid ${grid.code} already has a group (${taken.topic ?? taken.roomId}); unbind it first`, { reason: 'GRID_HAS_GROUP', grid: grid.code, group: taken.topic ?? taken.roomId });
      let group = await tx.findOne(ChatGroupEntity, { roomId }, { populate: ['grid', 'department'] });
      if (group?.department) throw new DomainError('CONFLICT', `this group is bound to department ${group.department.name}; unbind it first`, { reason: 'GROUP_BOUND_ELSEWHERE', grid: group.department.name });
      if (group?.grid && group.grid.id !== grid.id) {
        throw new DomainError('CONFLICT', `this group is bound to grid ${group.grid.code}; unbind it first`, { reason: 'GROUP_BOUND_ELSEWHERE', grid: group.grid.code });
      }
      group ??= tx.create(ChatGroupEntity, { roomId, botAccount, topic: input.topic?.slice(0, 128) ?? null });
      group.grid = grid;
      group.boundAt = this.deps.clock.now();
      group.boundByMemberId = actor.memberId;
      await tx.flush();
      // The account named (or that saw it) sits in the group: messages to it may go through it.
      await new FleetRepository(tx).joinGroups(group.botAccount, [roomId], this.deps.clock.now());
      return toBinding(group);
    });
  }

  /**
   * Binds a group to a department (`bindDepartmentGroup`, or `#绑定群` from one of its members in
   * the group): its dispatch notices then go to the group, its members @-mentioned, instead of to
   * each contact. Admins and commanders may bind any department of their subtree; a department's
   * member only their own. A department has one group, a group one grid or department.
   */
  async bindDepartmentGroup(actor: Actor, input: { roomId: string; grid?: string | null; department?: string | null; botAccount?: string | null; topic?: string | null }): Promise<GroupBinding> {
    const roomId = input.roomId.trim();
    if (!roomId || roomId.length > 128) throw new DomainError('BAD_USER_INPUT', 'roomId must be 1 to 128 characters');
    const botAccount = input.botAccount ?? (await this.group(roomId))?.botAccount;
    if (!botAccount) throw new DomainError('BAD_USER_INPUT', 'the bot has not seen this group yet: give botAccount');
    const member = actor.memberId === null ? null : await this.deps.em.findOne(MemberEntity, { id: actor.memberId }, { populate: ['department'] });
    let department: DepartmentEntity | null;
    if (input.grid && input.department) {
      const grid = await this.grids.get(actor, input.grid);
      department = await this.deps.em.findOne(DepartmentEntity, { grid, name: input.department.trim() });
      if (!department) throw new DomainError('NOT_FOUND', `department ${input.department} not found at grid ${grid.code}`);
    } else {
      department = member?.department ?? null;
      if (!department) throw new DomainError('BAD_USER_INPUT', 'name the grid and the department');
    }
    if (member?.department?.id !== department.id) assertMay(actor, 'group.bind');
    const target = department;
    return this.deps.em.transactional(async (tx) => {
      const taken = await tx.findOne(ChatGroupEntity, { department: target.id });
      if (taken && taken.roomId !== roomId) throw new DomainError('CONFLICT', `department ${target.name} already has a group; unbind it first`, { reason: 'DEPARTMENT_HAS_GROUP', department: target.name, group: taken.topic ?? taken.roomId });
      let group = await tx.findOne(ChatGroupEntity, { roomId }, { populate: ['grid', 'department'] });
      const elsewhere = group?.grid?.code ?? (group?.department && group.department.id !== target.id ? group.department.name : null);
      if (elsewhere) throw new DomainError('CONFLICT', `this group is bound to ${elsewhere}; unbind it first`, { reason: 'GROUP_BOUND_ELSEWHERE', grid: elsewhere });
      group ??= tx.create(ChatGroupEntity, { roomId, botAccount, topic: input.topic?.slice(0, 128) ?? null });
      group.department = tx.getReference(DepartmentEntity, target.id);
      group.boundAt = this.deps.clock.now();
      group.boundByMemberId = actor.memberId;
      await tx.flush();
      return { ...toBinding(group), department: { id: target.id, name: target.name } };
    });
  }

  /** Detaches a group from its grid or department (admins and commanders). */
  async unbindGroup(actor: Actor, roomId: string): Promise<GroupBinding> {
    assertMay(actor, 'group.bind');
    const group = await this.deps.em.findOne(ChatGroupEntity, { roomId }, { populate: ['grid', 'department', 'department.grid'] });
    if (!group?.grid && !group?.department) throw new DomainError('NOT_FOUND', `group ${roomId} is not bound to a grid`);
    await this.grids.get(actor, group.grid?.code ?? group.department!.grid.code);
    group.grid = null;
    group.department = null;
    group.boundAt = null;
    await this.deps.em.flush();
    return toBinding(group);
  }

  /** A one-time code for a member to type as `#绑定 CODE` in any group the bot is in. */
  async issueBindCode(actor: Actor, memberId: number): Promise<{ code: string; expiresAt: Date; member: MemberEntity }> {
    assertMay(actor, 'member.register');
    const member = await this.deps.em.findOne(MemberEntity, { id: memberId }, { populate: ['grid', 'department'] });
    if (!member) throw new DomainError('NOT_FOUND', `member ${memberId} not found in your scope`);
    await this.grids.get(actor, member.grid.code);
    // A code binds whoever types it to the member's role: the same ceiling as registering one.
    if (!mayGrantRole(actor.role, member.role)) {
      throw new DomainError('FORBIDDEN', `a ${actor.role} may not issue a bind code for a ${member.role}: only roles below their own`);
    }
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + BIND_CODE_TTL_HOURS * 3600_000);
    // Six digits are easy to type on a phone; a collision with a live code is retried.
    // Guessing them is what RATE_LIMIT_BIND_FAILURES stops (bindContact).
    for (let i = 0; i < 20; i++) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      if (await new BindingRepository(this.deps.em).claimBindCode(code, member.id, expiresAt, now, { memberId: actor.memberId, tokenId: actor.tokenId })) return { code, expiresAt, member };
    }
    throw new DomainError('CONFLICT', 'no free bind code right now; try again');
  }

  /**
   * `#绑定 CODE`: links this WeChat contact to the code's member, once. Wrong codes count
   * against the contact and the group (RATE_LIMIT_BIND_FAILURES); at the limit both are locked
   * for the window, the lock is recorded (`bindAlerts`) and the issuers of live codes for that
   * group's grids are told by the bot. A commander's or instructor's code only files the
   * contact as pending: its issuer confirms over GraphQL (`confirmBinding`).
   */
  async bindContact(contact: { id: string; name: string }, code: string, where: BindPlace): Promise<BindOutcome> {
    const limits = this.deps.limits;
    const keys = { contact: `c:${contact.id}`, group: `g:${where.roomId}` } as const;
    for (const key of Object.values(keys)) {
      const lock = await limits.peek('bindFailure', key);
      if (!lock.allowed) throw rateLimited('bindFailure', lock, 'wrong bind codes');
    }
    const now = this.deps.clock.now();
    const name = contact.name.slice(0, 128);
    const found = await this.deps.em.findOne(BindCodeEntity, { code: code.trim() }, { populate: ['member', 'member.grid'] });
    const busy = found?.pendingContactId && found.pendingContactId !== contact.id;
    if (!found || found.usedAt || found.expiresAt.getTime() < now.getTime() || busy) {
      const failed = await Promise.all(Object.values(keys).map((k) => limits.take('bindFailure', k)));
      const locked = (['contact', 'group'] as const).filter((_, i) => failed[i]!.remaining === 0 || !failed[i]!.allowed);
      if (locked.length) await this.recordLock(locked[0]!, contact.id, name, where, now, Math.max(...failed.map((f) => f.retryAfterSeconds)));
      throw new DomainError('NOT_FOUND', 'bind code is wrong, used or expired; ask your admin for a new one', { reason: 'BAD_BIND_CODE' });
    }
    if (CONFIRMED_ROLES.includes(found.member.role)) {
      const other = await this.deps.em.findOne(MemberContactEntity, { contactId: contact.id });
      if (other && other.member.id !== found.member.id) throw new DomainError('CONFLICT', 'this WeChat account is already bound to another member', { reason: 'CONTACT_BOUND_ELSEWHERE' });
      Object.assign(found, { pendingContactId: contact.id, pendingContactName: name, pendingRoomId: where.roomId, pendingBotAccount: where.botAccount, pendingAt: now });
      await this.deps.em.flush();
      return { pending: true, name: found.member.name };
    }
    const bound = await this.deps.em.transactional((tx) => this.link(tx, found.code, contact.id, name, now));
    await Promise.all(Object.values(keys).map((k) => limits.reset('bindFailure', k)));
    return { pending: false, binding: bound };
  }

  /** Bindings waiting for the actor's confirmation (the operator: every one in scope), oldest first. */
  async pendingBindings(actor: Actor): Promise<BindCodeEntity[]> {
    assertMay(actor, 'member.register');
    const issuer = actor.role === 'admin' ? null : { memberId: actor.memberId, tokenId: actor.tokenId };
    const rows = await new BindingRepository(this.deps.em).pending(actor.path, issuer, this.deps.clock.now());
    return rows.length ? this.deps.em.find(BindCodeEntity, { code: { $in: rows.map((r) => r.code) } }, { populate: ['member', 'member.grid'], orderBy: { pendingAt: 'asc' } }) : [];
  }

  /**
   * The issuer (or the operator) confirms a pending binding: the contact becomes the member and
   * the group where the code was sent is told.
   */
  async confirmBinding(actor: Actor, code: string): Promise<ContactBinding> {
    assertMay(actor, 'member.register');
    const now = this.deps.clock.now();
    return this.deps.em.transactional(async (tx) => {
      const bind = await tx.findOne(BindCodeEntity, { code: code.trim() }, { populate: ['member', 'member.grid'], lockMode: LockMode.PESSIMISTIC_WRITE });
      const issuer = bind && (actor.role === 'admin' || (actor.memberId !== null && bind.issuedByMemberId === actor.memberId) || (actor.tokenId !== null && bind.issuedByTokenId === actor.tokenId));
      if (!bind || !issuer || !isWithin(bind.member.grid.path, actor.path)) throw new DomainError('NOT_FOUND', `no binding of code ${code} waits for your confirmation`, { reason: 'BINDING_NOT_PENDING', code });
      if (!bind.pendingContactId || bind.usedAt || bind.expiresAt.getTime() < now.getTime()) throw new DomainError('CONFLICT', `code ${code} has no pending binding`, { reason: 'BINDING_NOT_PENDING', code });
      // Said where the request was made: a group's message goes through any of our accounts in it, a direct one through the account that got it.
      const direct = bind.pendingRoomId === bind.pendingContactId;
      const bound = await this.link(tx, bind.code, bind.pendingContactId, bind.pendingContactName ?? '', now);
      if (bind.pendingRoomId && bind.pendingBotAccount) {
        const text = bindingConfirmedText(bound.name, bound.actor.gridCode ?? '', ROLE_LABELS[bind.member.role]);
        await new OutboxRepository(tx).enqueueForRooms([{ ...(direct ? { botAccount: bind.pendingBotAccount } : {}), roomId: bind.pendingRoomId, text, dedupeKey: `bind-confirmed:${bind.code}:${now.getTime()}`, kind: 'reply', priority: priorityOf(MESSAGE_LANES.reply), ref: null, mentionMemberIds: [] }], now);
      }
      return bound;
    });
  }

  /** Recent lock alerts for the groups of the actor's subtree, newest first. */
  async bindAlerts(actor: Actor, first: number): Promise<BindAlertEntity[]> {
    assertMay(actor, 'member.register');
    pageSize(first, PAGE_LIMITS.smallRows);
    const rows = await new BindingRepository(this.deps.em).alerts(actor.path, first);
    return rows.length ? this.deps.em.find(BindAlertEntity, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { at: 'desc', id: 'desc' } }) : [];
  }

  /** Links the contact to the code's member and uses the code up (in `tx`). */
  private async link(tx: EntityManager, code: string, contactId: string, contactName: string, now: Date): Promise<ContactBinding> {
    const bind = await tx.findOneOrFail(BindCodeEntity, { code }, { populate: ['member', 'member.grid'], lockMode: LockMode.PESSIMISTIC_WRITE });
    // Two contacts sending one code at the same moment: the second finds it used.
    if (bind.usedAt) throw new DomainError('NOT_FOUND', 'bind code is wrong, used or expired; ask your admin for a new one', { reason: 'BAD_BIND_CODE' });
    const other = await tx.findOne(MemberContactEntity, { contactId });
    if (other && other.member.id !== bind.member.id) {
      throw new DomainError('CONFLICT', 'this WeChat account is already bound to another member', { reason: 'CONTACT_BOUND_ELSEWHERE' });
    }
    await tx.nativeDelete(MemberContactEntity, { member: bind.member.id, contactId: { $ne: contactId } });
    if (!other) tx.create(MemberContactEntity, { member: bind.member, contactId, contactName });
    else other.contactName = contactName;
    bind.usedAt = now;
    bind.pendingContactId = null;
    await tx.flush();
    return toContact(bind.member);
  }

  /** A lock: recorded for `bindAlerts`, and the issuers of live codes under the group's grid hear of it from the bot. */
  private async recordLock(locked: 'contact' | 'group', contactId: string, contactName: string, where: BindPlace, now: Date, seconds: number): Promise<void> {
    await this.deps.em.transactional(async (tx) => {
      tx.create(BindAlertEntity, { locked, contactId, contactName, roomId: where.roomId, gridId: where.grid?.id ?? null, lockedUntil: new Date(now.getTime() + seconds * 1000), at: now });
      if (!where.grid) return;
      const issuers = await new BindingRepository(tx).liveIssuersUnder(where.grid.path, now);
      await new OutboxRepository(tx).enqueueForMembers({ memberIds: issuers, text: bindLockedAlertText(where.grid.code, contactName), dedupePrefix: `bind-lock:${where.roomId}:${now.getTime()}:`, kind: 'bind_alert', ref: null, priority: priorityOf(MESSAGE_LANES.bindAlert) }, now);
    });
  }

  /**
   * Removes what demo mode bound (its mock groups, contacts and undelivered messages) so a real
   * puppet can bind the grids' real groups: run when the hub starts on a real puppet against a
   * database that once ran the demo. Returns what it removed.
   */
  async retireDemo(demoAccount: string): Promise<{ groups: number; contacts: number; messages: number }> {
    return this.deps.em.transactional(async (tx) => {
      const { groups, contacts } = await new DemoRepository(tx).removeMockBindings(demoAccount);
      const messages = await new OutboxRepository(tx).failPendingTo(DEMO_ROOM.prefix + '%', demoAccount, 'demo mode ended: the mock group is gone');
      return { groups, contacts, messages };
    });
  }

  /** The member behind a WeChat contact, or null for an unbound contact (a resident). */
  async contact(contactId: string): Promise<ContactBinding | null> {
    const bound = await this.deps.em.findOne(MemberContactEntity, { contactId }, { populate: ['member', 'member.grid'] });
    return bound ? toContact(bound.member) : null;
  }

  /** Members of a grid with a given role (whom the bot mentions: chiefs, workers). */
  async membersWithRole(gridId: number, roles: readonly string[]): Promise<MemberEntity[]> {
    return this.deps.em.find(MemberEntity, { grid: gridId, role: { $in: [...roles] } as never }, { orderBy: { id: 'asc' } });
  }
}

const toBinding = (g: ChatGroupEntity): GroupBinding => ({
  roomId: g.roomId,
  botAccount: g.botAccount,
  grid: g.grid ? { id: g.grid.id, code: g.grid.code, path: g.grid.path, name: g.grid.name } : null,
  department: g.department?.name ? { id: g.department.id, name: g.department.name } : null,
});

const toContact = (m: MemberEntity): ContactBinding => {
  const grid = m.grid as GridEntity;
  return {
    memberId: m.id,
    name: m.name,
    actor: { role: m.role, path: grid.path, gridId: grid.id, gridCode: grid.code, memberId: m.id, tokenId: null },
  };
};
