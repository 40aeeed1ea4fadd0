import { Migration } from '@mikro-orm/migrations';

export class Migration20261123223138 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "clearance_round" ("id" serial primary key, "period" varchar(16) not null, "period_key" varchar(16) not null, "code" varchar(20) not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "roll_call_at" timestamptz not null, "remind_at" timestamptz not null, "deadline_at" timestamptz not null, "levels" jsonb not null, "opened_at" timestamptz not null, "roll_call_sent_at" timestamptz null, "reminded_at" timestamptz null, "closed_at" timestamptz null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "clearance_round" add constraint "clearance_round_code_unique" unique ("code");`);
    this.addSql(`alter table "clearance_round" add constraint "clearance_round_period_period_key_unique" unique ("period", "period_key");`);

    this.addSql(`create table "clearance_slot" ("id" serial primary key, "round_id" int not null, "grid_id" int not null, "path" ltree not null, "status" varchar(16) not null default 'pending', "zero_report" boolean not null default false, "late" boolean not null default false, "note" text null, "flagged_codes" jsonb not null default '[]', "confirmed_at" timestamptz null, "confirmed_by_member_id" int null, "actor_role" varchar(16) null, "source" varchar(16) null, "missed_at" timestamptz null);`);
    this.addSql(`create index "clearance_slot_grid_id_index" on "clearance_slot" ("grid_id");`);
    this.addSql(`create index "clearance_slot_path_gist" on "clearance_slot" using gist ("path");`);
    this.addSql(`alter table "clearance_slot" add constraint "clearance_slot_round_id_grid_id_unique" unique ("round_id", "grid_id");`);

    this.addSql(`alter table "clearance_slot" add constraint "clearance_slot_round_id_foreign" foreign key ("round_id") references "clearance_round" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "clearance_slot" add constraint "clearance_slot_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "clearance_slot" drop constraint "clearance_slot_round_id_foreign";`);

    this.addSql(`drop table if exists "clearance_round" cascade;`);

    this.addSql(`drop table if exists "clearance_slot" cascade;`);
  }

}
