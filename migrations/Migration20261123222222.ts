import { Migration } from '@mikro-orm/migrations';

/** The bot: chat groups bound to grids, WeChat contacts bound to members, one-time bind codes, the inbox and the outbox. */
export class Migration20261123222222 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "chat_group" ("id" serial primary key, "room_id" varchar(128) not null, "topic" varchar(128) null, "grid_id" int null, "bot_account" varchar(64) not null, "bound_by_member_id" int null, "bound_at" timestamptz null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_room_id_unique" unique ("room_id");`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_grid_id_unique" unique ("grid_id");`);

    this.addSql(`create table "inbound_message" ("id" bigserial primary key, "bot_account" varchar(64) not null, "message_id" varchar(128) not null, "room_id" varchar(128) not null, "sender_id" varchar(128) not null, "sender_name" varchar(128) not null, "kind" varchar(16) not null, "text" text not null, "media_key" varchar(128) null, "status" varchar(16) not null default 'pending', "outcome" text null, "received_at" timestamptz not null, "handled_at" timestamptz null);`);
    this.addSql(`create index "inbound_message_pending" on "inbound_message" ("bot_account", "id") where "status" = 'pending';`);
    this.addSql(`alter table "inbound_message" add constraint "inbound_message_bot_account_message_id_unique" unique ("bot_account", "message_id");`);

    this.addSql(`create table "member_contact" ("id" serial primary key, "member_id" int not null, "contact_id" varchar(128) not null, "contact_name" varchar(128) not null, "bound_at" timestamptz not null default now());`);
    this.addSql(`alter table "member_contact" add constraint "member_contact_member_id_unique" unique ("member_id");`);
    this.addSql(`alter table "member_contact" add constraint "member_contact_contact_id_unique" unique ("contact_id");`);

    this.addSql(`create table "bind_code" ("code" varchar(12) not null, "member_id" int not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null default now(), constraint "bind_code_pkey" primary key ("code"));`);
    this.addSql(`create index "bind_code_member_id_index" on "bind_code" ("member_id");`);

    this.addSql(`create table "outbox_message" ("id" bigserial primary key, "bot_account" varchar(64) not null, "room_id" varchar(128) not null, "grid_id" int null, "text" text not null, "mention_member_ids" jsonb not null default '[]', "dedupe_key" varchar(200) not null, "kind" varchar(32) not null, "ref" varchar(64) null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`create index "outbox_message_grid_id_index" on "outbox_message" ("grid_id");`);
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "outbox_message_ref_index" on "outbox_message" ("ref");`);
    this.addSql(`create index "outbox_message_due" on "outbox_message" ("bot_account", "next_attempt_at", "id") where "status" = 'pending';`);

    this.addSql(`alter table "chat_group" add constraint "chat_group_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "member_contact" add constraint "member_contact_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "bind_code" add constraint "bind_code_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "chat_group" cascade;`);

    this.addSql(`drop table if exists "inbound_message" cascade;`);

    this.addSql(`drop table if exists "member_contact" cascade;`);

    this.addSql(`drop table if exists "bind_code" cascade;`);

    this.addSql(`drop table if exists "outbox_message" cascade;`);
  }

}
