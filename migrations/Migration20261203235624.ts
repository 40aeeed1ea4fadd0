import { Migration } from '@mikro-orm/migrations';

/**
 * The inbox links a report message to the incident it reported (`reported_incident_id`), so a
 * photo sent right after finds the sender's last report by a column and an index instead of
 * parsing `outcome` texts (`report E…`). Rows stored before this migration are linked from
 * those texts once.
 */
export class Migration20261203235624 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "inbound_message" add column "reported_incident_id" int null;`);
    this.addSql(`alter table "inbound_message" add constraint "inbound_message_reported_incident_id_foreign" foreign key ("reported_incident_id") references "incident" ("id") on update cascade on delete set null;`);
    this.addSql(`update "inbound_message" m set "reported_incident_id" = i."id" from "incident" i where m."status" = 'done' and m."outcome" like 'report E%' and i."code" = split_part(m."outcome", ' ', 2);`);
    this.addSql(`create index "inbound_message_sender_reports" on "inbound_message" ("bot_account", "room_id", "sender_id", "id") where "reported_incident_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "inbound_message_sender_reports";`);
    this.addSql(`alter table "inbound_message" drop constraint "inbound_message_reported_incident_id_foreign";`);
    this.addSql(`alter table "inbound_message" drop column "reported_incident_id";`);
  }

}
