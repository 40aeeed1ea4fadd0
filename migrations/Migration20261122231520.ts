import { Migration } from '@mikro-orm/migrations';

/** Incidents, their immutable timeline and the per-day code sequence. */
export class Migration20261122231520 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "incident_day_seq" ("day" varchar(8) not null, "last" int not null, constraint "incident_day_seq_pkey" primary key ("day"));`);

    this.addSql(`create table "incident" ("id" serial primary key, "code" varchar(20) not null, "grid_id" int not null, "path" ltree not null, "reporter_id" int null, "description" text not null, "category" varchar(24) not null, "urgent" boolean not null default false, "location" text null, "status" varchar(16) not null, "dispute_colour" varchar(8) null, "failed_mediations" int not null default 0, "department_id" int null, "deadline_at" timestamptz not null, "satisfied" boolean null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "closed_at" timestamptz null);`);
    this.addSql(`alter table "incident" add constraint "incident_code_unique" unique ("code");`);
    this.addSql(`create index "incident_grid_id_index" on "incident" ("grid_id");`);
    this.addSql(`create index "incident_status_index" on "incident" ("status");`);
    this.addSql(`create index "incident_created_at_index" on "incident" ("created_at");`);
    this.addSql(`create index "incident_path_gist" on "incident" using gist ("path");`);

    this.addSql(`create table "incident_event" ("id" bigserial primary key, "incident_id" int not null, "event" varchar(16) not null, "from_state" varchar(16) null, "to_state" varchar(16) not null, "actor_role" varchar(16) not null, "actor_member_id" int null, "note" text null, "photos" jsonb not null default '[]', "at" timestamptz not null);`);
    this.addSql(`create index "incident_event_incident_id_index" on "incident_event" ("incident_id");`);

    this.addSql(`alter table "incident" add constraint "incident_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "incident" add constraint "incident_reporter_id_foreign" foreign key ("reporter_id") references "member" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "incident" add constraint "incident_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "incident_event" add constraint "incident_event_incident_id_foreign" foreign key ("incident_id") references "incident" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "incident_event" drop constraint "incident_event_incident_id_foreign";`);

    this.addSql(`drop table if exists "incident_day_seq" cascade;`);

    this.addSql(`drop table if exists "incident" cascade;`);

    this.addSql(`drop table if exists "incident_event" cascade;`);
  }

}
