import { Migration } from '@mikro-orm/migrations';

/**
 * Departments in the loop (issue 15.1, 13.8, 13.9): co-departments' parts of jointly handled
 * incidents (`incident_department`), a department's head and its bound WeChat group, overdue
 * department work escalated to the head once per lapse (`department_escalation`), and verdicts
 * kept with the WeChat contact who gave them (`incident_verdict`), found through the message
 * that reported the incident (`inbound_message_reported_incident`).
 */
export class Migration20261204130000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "incident_verdict" ("id" serial primary key, "incident_id" int not null, "satisfied" boolean not null, "note" text null, "member_id" int null, "contact_id" varchar(128) null, "contact_name" varchar(128) null, "at" timestamptz not null);`);
    this.addSql(`create index "incident_verdict_incident_id_index" on "incident_verdict" ("incident_id");`);

    this.addSql(`create table "incident_department" ("id" serial primary key, "incident_id" int not null, "department_id" int not null, "status" varchar(16) not null, "deadline_at" timestamptz not null, "note" text null, "updated_at" timestamptz not null);`);
    this.addSql(`create index "incident_department_department_id_index" on "incident_department" ("department_id");`);
    this.addSql(`alter table "incident_department" add constraint "incident_department_incident_id_department_id_unique" unique ("incident_id", "department_id");`);

    this.addSql(`create table "department_escalation" ("id" serial primary key, "incident_id" int not null, "department_id" int not null, "lapsed_deadline" timestamptz not null, "head_member_id" int null, "at" timestamptz not null);`);
    this.addSql(`create index "department_escalation_department_id_index" on "department_escalation" ("department_id");`);
    this.addSql(`alter table "department_escalation" add constraint "department_escalation_incident_id_department_id_l_e1ee2_unique" unique ("incident_id", "department_id", "lapsed_deadline");`);

    this.addSql(`alter table "incident_verdict" add constraint "incident_verdict_incident_id_foreign" foreign key ("incident_id") references "incident" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "incident_department" add constraint "incident_department_incident_id_foreign" foreign key ("incident_id") references "incident" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "incident_department" add constraint "incident_department_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "department_escalation" add constraint "department_escalation_incident_id_foreign" foreign key ("incident_id") references "incident" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "department_escalation" add constraint "department_escalation_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "department" add column "head_member_id" int null;`);
    this.addSql(`alter table "department" add constraint "department_head_member_id_foreign" foreign key ("head_member_id") references "member" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "chat_group" add column "department_id" int null;`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "chat_group" add constraint "chat_group_department_id_unique" unique ("department_id");`);

    this.addSql(`create index "inbound_message_reported_incident" on "inbound_message" ("reported_incident_id") where "reported_incident_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "inbound_message_reported_incident";`);

    this.addSql(`drop table if exists "incident_verdict" cascade;`);

    this.addSql(`drop table if exists "incident_department" cascade;`);

    this.addSql(`drop table if exists "department_escalation" cascade;`);

    this.addSql(`alter table "chat_group" drop constraint "chat_group_department_id_foreign";`);

    this.addSql(`alter table "department" drop constraint "department_head_member_id_foreign";`);

    this.addSql(`alter table "chat_group" drop constraint "chat_group_department_id_unique";`);
    this.addSql(`alter table "chat_group" drop column "department_id";`);

    this.addSql(`alter table "department" drop column "head_member_id";`);
  }

}
