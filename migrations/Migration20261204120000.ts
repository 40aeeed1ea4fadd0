import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 13's worker day: an incident's place from a WeChat location message (address and
 * coordinates beside the `location` text); on inbound rows, the command a message was acted on
 * as, a location message's place, and the incident a photo or location went to (null while one
 * sent before its report waits to be claimed).
 */
export class Migration20261204120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "incident" add column "location_address" text null, add column "latitude" double precision null, add column "longitude" double precision null;`);

    this.addSql(`alter table "inbound_message" add column "command" varchar(16) null, add column "location" jsonb null, add column "attached_incident_id" int null;`);
    this.addSql(`alter table "inbound_message" add constraint "inbound_message_attached_incident_id_foreign" foreign key ("attached_incident_id") references "incident" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "inbound_message_waiting_attachments" on "inbound_message" ("bot_account", "room_id", "sender_id", "id") where "kind" in ('image', 'location') and "attached_incident_id" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "inbound_message" drop constraint "inbound_message_attached_incident_id_foreign";`);

    this.addSql(`drop index "inbound_message_waiting_attachments";`);
    this.addSql(`alter table "inbound_message" drop column "command", drop column "location", drop column "attached_incident_id";`);

    this.addSql(`alter table "incident" drop column "location_address", drop column "latitude", drop column "longitude";`);
  }

}
