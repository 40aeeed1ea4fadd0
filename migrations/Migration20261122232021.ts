import { Migration } from '@mikro-orm/migrations';

/** Overdue escalations, once per lapse; a partial index finds open incidents past their deadline. */
export class Migration20261122232021 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "incident_escalation" ("id" serial primary key, "incident_id" int not null, "lapsed_deadline" timestamptz not null, "target_grid_id" int not null, "notified" jsonb not null, "at" timestamptz not null);`);
    this.addSql(`create index "incident_escalation_incident_id_index" on "incident_escalation" ("incident_id");`);
    this.addSql(`create index "incident_open_deadline_index" on "incident" ("deadline_at") where "status" in ('reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'returned');`);
    this.addSql(`alter table "incident_escalation" add constraint "incident_escalation_incident_id_lapsed_deadline_unique" unique ("incident_id", "lapsed_deadline");`);

    this.addSql(`alter table "incident_escalation" add constraint "incident_escalation_incident_id_foreign" foreign key ("incident_id") references "incident" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "incident_escalation" add constraint "incident_escalation_target_grid_id_foreign" foreign key ("target_grid_id") references "grid" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "incident_open_deadline_index";`);
    this.addSql(`drop table if exists "incident_escalation" cascade;`);
  }

}
