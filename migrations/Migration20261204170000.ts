import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 11 (nothing lost when an account dies): a group message heard by an account that does
 * not listen in the group is kept as a standby copy, and found again by group, sender and time.
 */
export class Migration20261204170000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "inbound_message" add column "standby_for" varchar(64) null;`);
    this.addSql(`create index "inbound_message_room_sender" on "inbound_message" ("room_id", "sender_id", "received_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "inbound_message_room_sender";`);
    this.addSql(`alter table "inbound_message" drop column "standby_for";`);
  }

}
