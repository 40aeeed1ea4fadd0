import { Migration } from '@mikro-orm/migrations';

/**
 * Delivery (issue 11): when each receiving grid was told (`delivered_at`, its windows run from
 * there) or found unreachable; grids' second channels (WeCom robots) and their durable outbox.
 */
export class Migration20261204110000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "channel_message" ("id" bigserial primary key, "channel" varchar(16) not null, "grid_id" int not null, "text" text not null, "mention_all" boolean not null default false, "mention_member_ids" jsonb not null default '[]', "mention_roles" jsonb not null default '[]', "dedupe_key" varchar(220) not null, "kind" varchar(32) not null, "ref" varchar(64) null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null);`);
    this.addSql(`alter table "channel_message" add constraint "channel_message_dedupe_key_unique" unique ("dedupe_key");`);
    this.addSql(`create index "channel_message_ref_index" on "channel_message" ("ref");`);
    this.addSql(`create index "channel_message_due" on "channel_message" ("grid_id", "next_attempt_at", "id") where "status" = 'pending';`);

    this.addSql(`create table "grid_channel" ("id" serial primary key, "grid_id" int not null, "kind" varchar(16) not null, "target" text not null, "hint" varchar(128) not null, "recent_sends" jsonb not null default '[]', "paused_until" timestamptz null, "set_by_member_id" int null, "set_at" timestamptz not null);`);
    this.addSql(`alter table "grid_channel" add constraint "grid_channel_grid_id_kind_unique" unique ("grid_id", "kind");`);

    this.addSql(`alter table "grid_channel" add constraint "grid_channel_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "instruction_receipt" add column "delivered_at" timestamptz null, add column "delivered_via" varchar(16) null, add column "unreachable_at" timestamptz null, add column "unreachable_reason" varchar(32) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "channel_message" cascade;`);

    this.addSql(`drop table if exists "grid_channel" cascade;`);

    this.addSql(`alter table "instruction_receipt" drop column "delivered_at", drop column "delivered_via", drop column "unreachable_at", drop column "unreachable_reason";`);
  }

}
