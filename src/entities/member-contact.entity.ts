import { Entity, ManyToOne, type Opt, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { MemberEntity } from './member.entity.js';

/** A WeChat contact bound to a registered member (`#绑定 CODE`); one contact per member. */
@Entity({ tableName: 'member_contact' })
export class MemberContactEntity {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => MemberEntity, { fieldName: 'member_id', unique: true, deleteRule: 'cascade' })
  member!: Rel<MemberEntity>;

  /** The WeChat contact id as the puppet reports it. */
  @Property({ type: 'string', length: 128, unique: true })
  contactId!: string;

  /** The contact's WeChat name when bound, for @-mentions. */
  @Property({ type: 'string', length: 128 })
  contactName!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  boundAt: Date & Opt = new Date();
}
