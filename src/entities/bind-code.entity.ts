import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { MemberEntity } from './member.entity.js';

/** A one-time code an admin hands a member, who types `#绑定 CODE` to link their WeChat. */
@Entity({ tableName: 'bind_code' })
export class BindCodeEntity {
  @PrimaryKey({ type: 'string', length: 12 })
  code!: string;

  @ManyToOne(() => MemberEntity, { fieldName: 'member_id', deleteRule: 'cascade', index: true })
  member!: Rel<MemberEntity>;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  usedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  /** Who issued the code (a member, a token, or neither for ADMIN_TOKEN): they confirm pending bindings and hear of guessing. */
  @Property({ type: 'integer', nullable: true })
  issuedByMemberId?: number | null;

  @Property({ type: 'integer', nullable: true })
  issuedByTokenId?: number | null;

  /** A commander's or instructor's code waits here for its issuer's `confirmBinding`: the contact that sent it, and where. */
  @Property({ type: 'string', length: 128, nullable: true })
  pendingContactId?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  pendingContactName?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  pendingRoomId?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  pendingBotAccount?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  pendingAt?: Date | null;
}
