import { Migration } from '@mikro-orm/migrations';

/**
 * A report the category classifier was unsure about is filed as `other` with its two best
 * guesses (`category_guesses`, `[{category, confidence}, …]`), shown to the centre, which
 * re-categorises it (`recategorizeIncident`).
 */
export class Migration20261204012000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "incident" add column "category_guesses" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "incident" drop column "category_guesses";`);
  }

}
