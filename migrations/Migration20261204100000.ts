import { Migration } from '@mikro-orm/migrations';

/**
 * The fleet (issue 11): accounts as data with leases (`bot_account`, `bot_instance`), which
 * accounts sit in which group (`chat_group_account`, filled from the groups' serving accounts),
 * and messages routed at send time: `bot_account` becomes the account chosen when a message is
 * claimed, `via_account` pins direct messages, `priority` orders the lanes.
 */
export class Migration20261204100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "bot_account" ("id" serial primary key, "name" varchar(64) not null, "puppet" varchar(64) not null, "credentials_ref" varchar(200) null, "state" varchar(24) not null default 'offline', "instance_id" varchar(128) null, "lease_until" timestamptz null, "heartbeat_at" timestamptz null, "sends_today" int not null default 0, "sends_day" varchar(10) null, "rate_limited_until" timestamptz null, "retired_at" timestamptz null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "bot_account" add constraint "bot_account_name_unique" unique ("name");`);

    this.addSql(`create table "bot_instance" ("id" varchar(128) not null, "capacity" int not null, "heartbeat_at" timestamptz not null, constraint "bot_instance_pkey" primary key ("id"));`);

    this.addSql(`create table "chat_group_account" ("room_id" varchar(128) not null, "bot_account" varchar(64) not null, "seen_at" timestamptz not null, constraint "chat_group_account_pkey" primary key ("room_id", "bot_account"));`);
    this.addSql(`create index "chat_group_account_by_account" on "chat_group_account" ("bot_account", "room_id");`);

    this.addSql(`drop index "outbox_message_due";`);

    this.addSql(`alter table "outbox_message" add column "via_account" varchar(64) null, add column "priority" smallint not null default 2, add column "lease_until" timestamptz null, add column "stranded_since" timestamptz null;`);
    this.addSql(`alter table "outbox_message" alter column "bot_account" type varchar(64) using ("bot_account"::varchar(64));`);
    this.addSql(`alter table "outbox_message" alter column "bot_account" drop not null;`);
    this.addSql(`create index "outbox_message_claimed" on "outbox_message" ("bot_account") where "status" = 'pending';`);
    this.addSql(`create index "outbox_message_lane" on "outbox_message" ("priority", "created_at", "id") where "status" = 'pending';`);

    // Data: every group's serving account sits in it; waiting messages keep their order in lanes.
    this.addSql(`insert into "chat_group_account" ("room_id", "bot_account", "seen_at") select "room_id", "bot_account", "created_at" from "chat_group" on conflict do nothing;`);
    this.addSql(`update "outbox_message" o set "via_account" = o."bot_account" where o."status" = 'pending' and not exists (select 1 from "chat_group" c where c."room_id" = o."room_id");`);
    this.addSql(`update "outbox_message" set "bot_account" = null where "status" = 'pending';`);
    this.addSql(`update "outbox_message" o set "priority" = case when o."kind" = 'reply' then 1 when o."kind" = 'instruction' then coalesce((select case when i."grade" in ('I', 'II') then 0 else 2 end from "instruction" i where i."code" = o."ref"), 2) when o."kind" in ('reminder', 'dispatch', 'merge') then 3 else 4 end where o."status" = 'pending';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "bot_account" cascade;`);

    this.addSql(`drop table if exists "bot_instance" cascade;`);

    this.addSql(`drop table if exists "chat_group_account" cascade;`);

    this.addSql(`drop index "outbox_message_claimed";`);
    this.addSql(`drop index "outbox_message_lane";`);
    this.addSql(`alter table "outbox_message" drop column "via_account", drop column "priority", drop column "lease_until", drop column "stranded_since";`);

    this.addSql(`alter table "outbox_message" alter column "bot_account" type varchar(64) using ("bot_account"::varchar(64));`);
    this.addSql(`update "outbox_message" set "bot_account" = coalesce("bot_account", "via_account", '') where "bot_account" is null;`);
    this.addSql(`alter table "outbox_message" alter column "bot_account" set not null;`);
    this.addSql(`CREATE INDEX outbox_message_due ON public.outbox_message USING btree (bot_account, next_attempt_at, id) WHERE ((status)::text = 'pending'::text);`);
  }

}
