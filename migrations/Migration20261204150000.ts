import { Migration } from '@mikro-orm/migrations';

/**
 * The inbox retries what failed: how often a message was acted on (`attempts`) and when a
 * pending one is due again (`retry_at`, a lease or a back-off).
 */
export class Migration20261204150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "inbound_message" add column "attempts" int not null default 0, add column "retry_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "inbound_message" drop column "attempts", drop column "retry_at";`);
  }

}
