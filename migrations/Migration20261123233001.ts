import { Migration } from '@mikro-orm/migrations';

/**
 * Instruction fan-out speed: receipts without per-row foreign-key checks (GridService refuses to
 * move or delete a grid with receipts), the outbox without an unused grid index, and @-mentions
 * by role resolved when a message is sent.
 */
export class Migration20261123233001 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "instruction_receipt" drop constraint "instruction_receipt_grid_id_foreign";`);
    this.addSql(`alter table "instruction_receipt" drop constraint "instruction_receipt_instruction_id_foreign";`);

    this.addSql(`drop index "outbox_message_grid_id_index";`);

    this.addSql(`alter table "outbox_message" add column "mention_roles" jsonb not null default '[]';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "instruction_receipt" add constraint "instruction_receipt_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "instruction_receipt" add constraint "instruction_receipt_instruction_id_foreign" foreign key ("instruction_id") references "instruction" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "outbox_message" drop column "mention_roles";`);

    this.addSql(`create index "outbox_message_grid_id_index" on "outbox_message" ("grid_id");`);
  }

}
