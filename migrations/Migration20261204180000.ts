import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15.6: the incident rollups are read index-only. A subtree's period (or its children's,
 * by child) is a range of (grid, day) whose other columns the index carries: a day's rows of
 * every grid are written together and share heap pages, so reading them from the heap touched
 * a page per row (the street's by-child breakdown: 5,196 rows on 4,182 heap pages). The primary keys
 * stay as they are, arbiters of the triggers' upserts.
 */
export class Migration20261204180000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "incident_close_rollup_cover" on "incident_close_rollup" ("grid_id", "day") include ("category", "department_id", "hours", "closed", "hours_sum");`);

    this.addSql(`create index "incident_rollup_cover" on "incident_rollup" ("grid_id", "day") include ("category", "department_id", "deadline_day", "reported", "handled", "closed", "on_time", "rated", "satisfied", "open");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "incident_close_rollup_cover";`);

    this.addSql(`drop index "incident_rollup_cover";`);
  }

}
