import { Migration } from '@mikro-orm/migrations';

/** Instructions: the instruction, one receipt per receiving grid, every answer, amendments and cancellations, gap-free day codes. */
export class Migration20261123222846 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "instruction_answer" ("id" bigserial primary key, "instruction_id" int not null, "grid_id" int not null, "kind" varchar(8) not null, "counted" boolean not null, "member_id" int null, "name" varchar(64) null, "role" varchar(16) not null, "text" text null, "at" timestamptz not null);`);
    this.addSql(`create index "instruction_answer_instruction_id_grid_id_index" on "instruction_answer" ("instruction_id", "grid_id");`);

    this.addSql(`create table "instruction_day_seq" ("day" varchar(8) not null, "last" int not null, constraint "instruction_day_seq_pkey" primary key ("day"));`);

    this.addSql(`create table "instruction" ("id" serial primary key, "code" varchar(16) not null, "grade" varchar(4) not null, "title" varchar(200) not null, "body" text null, "scope_grid_id" int not null, "scope_path" ltree not null, "levels" jsonb not null, "ack_deadline_at" timestamptz not null, "result_deadline_at" timestamptz not null, "mention_chiefs" boolean not null, "targets" int not null, "status" varchar(16) not null default 'active', "cancel_reason" text null, "cancelled_at" timestamptz null, "amendments" int not null default 0, "chased" jsonb not null default '[]', "issued_by_member_id" int null, "issuer_role" varchar(16) not null, "issuer_path" ltree not null, "issued_at" timestamptz not null);`);
    this.addSql(`alter table "instruction" add constraint "instruction_code_unique" unique ("code");`);
    this.addSql(`create index "instruction_scope_grid_id_index" on "instruction" ("scope_grid_id");`);
    this.addSql(`create index "instruction_scope_path_gist" on "instruction" using gist ("scope_path");`);

    this.addSql(`create table "instruction_receipt" ("instruction_id" int not null, "grid_id" int not null, "path" ltree not null, "level" varchar(16) not null, "parent_id" int null, "items" jsonb not null default '[]', "acknowledged_at" timestamptz null, "ack_member_id" int null, "ack_name" varchar(64) null, "ack_role" varchar(16) null, "reported_at" timestamptz null, "result_text" text null, "result_member_id" int null, "result_name" varchar(64) null, "result_role" varchar(16) null, "answers" int not null default 0, "ack_reminded_at" timestamptz null, "ack_overdue_at" timestamptz null, "result_reminded_at" timestamptz null, "result_overdue_at" timestamptz null, constraint "instruction_receipt_pkey" primary key ("instruction_id", "grid_id"));`);
    this.addSql(`create index "instruction_receipt_grid_id_instruction_id_index" on "instruction_receipt" ("grid_id", "instruction_id");`);

    this.addSql(`create table "instruction_update" ("id" serial primary key, "instruction_id" int not null, "seq" int not null, "kind" varchar(8) not null, "text" text null, "actor_role" varchar(16) not null, "actor_member_id" int null, "at" timestamptz not null);`);
    this.addSql(`create index "instruction_update_instruction_id_index" on "instruction_update" ("instruction_id");`);
    this.addSql(`alter table "instruction_update" add constraint "instruction_update_instruction_id_seq_unique" unique ("instruction_id", "seq");`);

    this.addSql(`alter table "instruction" add constraint "instruction_scope_grid_id_foreign" foreign key ("scope_grid_id") references "grid" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "instruction_receipt" add constraint "instruction_receipt_instruction_id_foreign" foreign key ("instruction_id") references "instruction" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "instruction_receipt" add constraint "instruction_receipt_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "instruction_update" add constraint "instruction_update_instruction_id_foreign" foreign key ("instruction_id") references "instruction" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "instruction_receipt" drop constraint "instruction_receipt_instruction_id_foreign";`);

    this.addSql(`alter table "instruction_update" drop constraint "instruction_update_instruction_id_foreign";`);

    this.addSql(`drop table if exists "instruction_answer" cascade;`);

    this.addSql(`drop table if exists "instruction_day_seq" cascade;`);

    this.addSql(`drop table if exists "instruction" cascade;`);

    this.addSql(`drop table if exists "instruction_receipt" cascade;`);

    this.addSql(`drop table if exists "instruction_update" cascade;`);
  }

}
