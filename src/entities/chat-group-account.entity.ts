import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Which of our accounts sit in which WeChat group (a group may hold several: redundancy is
 * normal). Filled when an account sees a group (a message there, its room list at login, a
 * binding) and, in demo mode, for every demo account in every demo group. The sender picks
 * among the online accounts present in a message's group when it sends.
 */
@Entity({ tableName: 'chat_group_account' })
@Index({ name: 'chat_group_account_by_account', properties: ['botAccount', 'roomId'] })
export class ChatGroupAccountEntity {
  @PrimaryKey({ type: 'string', length: 128 })
  roomId!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  botAccount!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  seenAt!: Date;
}
