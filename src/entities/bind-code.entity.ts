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
}
