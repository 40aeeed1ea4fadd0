import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14 (photos, limits) and 13.10 (bind codes): photo uploads with their uploader and
 * reference mark (the sweep deletes the unreferenced), bind codes' issuer and pending
 * confirmation, and the lock alerts of guessed bind codes.
 */
export class Migration20261204160000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "bind_alert" ("id" serial primary key, "locked" varchar(16) not null, "contact_id" varchar(128) not null, "contact_name" varchar(128) not null, "room_id" varchar(128) not null, "grid_id" int null, "locked_until" timestamptz not null, "at" timestamptz not null);`);
    this.addSql(`create index "bind_alert_at_index" on "bind_alert" ("at");`);

    this.addSql(`create table "photo" ("id" bigserial primary key, "key" varchar(80) not null, "size" int not null, "uploader_token_id" int null, "uploader_member_id" int null, "uploader_grid_id" int null, "created_at" timestamptz not null, "referenced_at" timestamptz null);`);
    this.addSql(`create index "photo_key_index" on "photo" ("key");`);
    this.addSql(`create index "photo_created_at_index" on "photo" ("created_at");`);
    this.addSql(`create index "photo_uploader_token_id_created_at_index" on "photo" ("uploader_token_id", "created_at");`);

    this.addSql(`alter table "bind_code" add column "issued_by_member_id" int null, add column "issued_by_token_id" int null, add column "pending_contact_id" varchar(128) null, add column "pending_contact_name" varchar(128) null, add column "pending_room_id" varchar(128) null, add column "pending_bot_account" varchar(64) null, add column "pending_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "bind_alert" cascade;`);

    this.addSql(`drop table if exists "photo" cascade;`);

    this.addSql(`alter table "bind_code" drop column "issued_by_member_id", drop column "issued_by_token_id", drop column "pending_contact_id", drop column "pending_contact_name", drop column "pending_room_id", drop column "pending_bot_account", drop column "pending_at";`);
  }

}
