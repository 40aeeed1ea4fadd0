import { Migration } from '@mikro-orm/migrations';

/**
 * Duplicates: `pg_trgm` for text similarity, a report's possible duplicate (`duplicate_of_id`,
 * linked when it is stored) and the survivor it was merged into (`merged_into_id`).
 */
export class Migration20261204012500 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`alter table "incident" add column "duplicate_of_id" int null, add column "merged_into_id" int null;`);
    this.addSql(`alter table "incident" add constraint "incident_duplicate_of_id_foreign" foreign key ("duplicate_of_id") references "incident" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "incident" add constraint "incident_merged_into_id_foreign" foreign key ("merged_into_id") references "incident" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "incident" drop constraint "incident_duplicate_of_id_foreign";`);
    this.addSql(`alter table "incident" drop constraint "incident_merged_into_id_foreign";`);
    this.addSql(`alter table "incident" drop column "duplicate_of_id", drop column "merged_into_id";`);
  }

}
