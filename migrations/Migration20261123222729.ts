import { Migration } from '@mikro-orm/migrations';

/** incident.source_key: a channel's idempotency key, so a resumed chat message never files twice. */
export class Migration20261123222729 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "incident" add column "source_key" varchar(200) null;`);
    this.addSql(`alter table "incident" add constraint "incident_source_key_unique" unique ("source_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "incident" drop constraint "incident_source_key_unique";`);
    this.addSql(`alter table "incident" drop column "source_key";`);
  }

}
