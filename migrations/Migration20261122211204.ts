import { Migration } from '@mikro-orm/migrations';

/** The grid tree, its people, departments and API tokens. */
export class Migration20261122211204 extends Migration {

  override async up(): Promise<void> {
    // Subtrees are ltree paths of grid ids; `path <@ $1` is served by a GiST index.
    this.addSql(`create extension if not exists ltree;`);
    this.addSql(`create table "grid" ("id" serial primary key, "code" varchar(64) not null, "name" varchar(128) not null, "level" varchar(16) not null, "parent_id" int null, "path" ltree not null, "depth" int not null, "risk_colour" varchar(8) not null default 'green', "households" int not null default 0, "population" int not null default 0, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`);
    this.addSql(`alter table "grid" add constraint "grid_code_unique" unique ("code");`);
    this.addSql(`create index "grid_parent_id_index" on "grid" ("parent_id");`);
    this.addSql(`create index "grid_path_gist" on "grid" using gist ("path");`);

    this.addSql(`create table "department" ("id" serial primary key, "grid_id" int not null, "name" varchar(64) not null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "department_grid_id_index" on "department" ("grid_id");`);
    this.addSql(`alter table "department" add constraint "department_grid_id_name_unique" unique ("grid_id", "name");`);

    this.addSql(`create table "member" ("id" serial primary key, "grid_id" int not null, "name" varchar(64) not null, "role" varchar(16) not null, "phone" varchar(32) null, "department_id" int null, "created_at" timestamptz not null default now());`);
    this.addSql(`create index "member_grid_id_index" on "member" ("grid_id");`);
    this.addSql(`create index "member_department_id_index" on "member" ("department_id");`);

    this.addSql(`create table "api_token" ("id" serial primary key, "secret_hash" varchar(64) not null, "role" varchar(16) not null, "grid_id" int null, "member_id" int null, "label" varchar(128) null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "created_at" timestamptz not null default now());`);
    this.addSql(`alter table "api_token" add constraint "api_token_secret_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "api_token_grid_id_index" on "api_token" ("grid_id");`);

    this.addSql(`alter table "grid" add constraint "grid_parent_id_foreign" foreign key ("parent_id") references "grid" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "department" add constraint "department_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "member" add constraint "member_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "member" add constraint "member_department_id_foreign" foreign key ("department_id") references "department" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "api_token" add constraint "api_token_grid_id_foreign" foreign key ("grid_id") references "grid" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "api_token" add constraint "api_token_member_id_foreign" foreign key ("member_id") references "member" ("id") on update cascade on delete cascade;`);
  }

}
