import { Migration } from '@mikro-orm/migrations';

/** `OPEN_STATES` of src/domain/incident-transitions.ts, as SQL (a new open state needs a migration). */
const OPEN = `('reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'returned')`;

/** Columns an incident's figures depend on: an update touching none of them leaves the rollups alone. */
const FIGURE_COLUMNS = (t: string) => ['path', 'category', 'department_id', 'status', 'deadline_at', 'closed_at', 'satisfied', 'merged_into_id', 'created_at'].map((c) => `${t}.${c}`).join(', ');

/**
 * Rollups (issue 15): incident figures per grid (counted at every ancestor), day, category,
 * department and deadline day, a histogram of hours to close, and clearance slots per grid and
 * round, all kept by statement-level triggers in the transaction of the change. The days are
 * counted in `stats_setting.time_zone` (the hub sets it to TZ_GRID on start and rebuilds the
 * rollups when it changes, see StatsRepository.useTimeZone). The incident path index gains
 * `created_at` (btree_gist), so the partial-day edges of a period are one index range.
 */
export class Migration20261204140000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "clearance_rollup" ("grid_id" int not null, "round_id" int not null, "slots" int not null default 0, "confirmed" int not null default 0, "on_time" int not null default 0, constraint "clearance_rollup_pkey" primary key ("grid_id", "round_id"));`);
    this.addSql(`create table "incident_close_rollup" ("grid_id" int not null, "day" date not null, "category" varchar(24) not null, "department_id" int not null, "hours" int not null, "closed" int not null default 0, "hours_sum" double precision not null default 0, constraint "incident_close_rollup_pkey" primary key ("grid_id", "day", "category", "department_id", "hours"));`);
    this.addSql(`create table "incident_rollup" ("grid_id" int not null, "day" date not null, "category" varchar(24) not null, "department_id" int not null, "deadline_day" date not null, "reported" int not null default 0, "handled" int not null default 0, "closed" int not null default 0, "on_time" int not null default 0, "rated" int not null default 0, "satisfied" int not null default 0, "open" int not null default 0, constraint "incident_rollup_pkey" primary key ("grid_id", "day", "category", "department_id", "deadline_day"));`);
    this.addSql(`create table "stats_setting" ("id" smallint not null, "time_zone" varchar(64) not null, constraint "stats_setting_pkey" primary key ("id"));`);
    this.addSql(`insert into "stats_setting" ("id", "time_zone") values (1, 'Asia/Shanghai');`);
    // A stats period's partial-day edges: a subtree AND a time range in one GiST scan.
    this.addSql(`create extension if not exists btree_gist;`);
    this.addSql(`drop index if exists "incident_path_gist";`);
    this.addSql(`create index "incident_path_gist" on "incident" using gist ("path", "created_at");`);

    // Hours to close: whole hours below two days, whole days above.
    this.addSql(`create function gridhub_close_bucket(hours double precision) returns int language sql immutable as $$
      select case when hours < 48 then greatest(floor(hours), 0)::int else (floor(hours / 24) * 24)::int end $$;`);

    // One incident's contribution to the figures (no row for a merged duplicate). The edges of a
    // period that are not whole days are counted with this same function straight from incidents.
    this.addSql(`create function gridhub_incident_figures(i incident, tz text)
      returns table (day date, deadline_day date, category varchar, department_id int, reported int, handled int, closed int,
                     on_time int, rated int, satisfied int, open int, close_bucket int, close_hours double precision)
      language sql stable as $$
        select (i.created_at at time zone tz)::date, (i.deadline_at at time zone tz)::date, i.category::varchar, coalesce(i.department_id, 0),
               1, (i.status = 'handled')::int, x.c::int, (x.c and i.closed_at <= i.deadline_at)::int,
               (i.satisfied is not null)::int, coalesce(i.satisfied, false)::int, (i.status in ${OPEN})::int,
               case when x.c and i.closed_at is not null then gridhub_close_bucket(x.h) end,
               case when x.c and i.closed_at is not null then x.h end
          from (select i.status in ('handled', 'closed') as c, (extract(epoch from i.closed_at - i.created_at) / 3600)::double precision as h) x
         where i.merged_into_id is null $$;`);

    // The contribution at the incident's grid and at each ancestor (path labels are grid ids), times sign.
    this.addSql(`create function gridhub_incident_rollup_delta(i incident, sign int, tz text)
      returns table (grid_id int, day date, category varchar, department_id int, deadline_day date, reported int, handled int, closed int,
                     on_time int, rated int, satisfied int, open int, close_bucket int, close_hours double precision)
      language sql stable as $$
        select a.grid_id, f.day, f.category, f.department_id, f.deadline_day, sign * f.reported, sign * f.handled, sign * f.closed,
               sign * f.on_time, sign * f.rated, sign * f.satisfied, sign * f.open, f.close_bucket, sign * f.close_hours
          from gridhub_incident_figures(i, tz) f, unnest(string_to_array(ltree2text(i.path), '.')::int[]) a(grid_id) $$;`);

    this.addSql(`create function gridhub_rollup_incidents(added incident[], removed incident[]) returns void language plpgsql as $$
      declare tz text := (select time_zone from stats_setting where id = 1);
      begin
        if cardinality(added) + cardinality(removed) = 0 then return; end if;
        with d as (
          select d.* from (select a, 1 from unnest(added) a union all select r, -1 from unnest(removed) r) x(i, sign)
          cross join lateral gridhub_incident_rollup_delta(x.i, x.sign, tz) d),
        figures as (
          insert into incident_rollup as t (grid_id, day, category, department_id, deadline_day, reported, handled, closed, on_time, rated, satisfied, open)
          select grid_id, day, category, department_id, deadline_day, sum(reported), sum(handled), sum(closed), sum(on_time), sum(rated), sum(satisfied), sum(open)
            from d group by 1, 2, 3, 4, 5
          having sum(reported) <> 0 or sum(handled) <> 0 or sum(closed) <> 0 or sum(on_time) <> 0 or sum(rated) <> 0 or sum(satisfied) <> 0 or sum(open) <> 0
           order by 1, 2, 3, 4, 5
          on conflict (grid_id, day, category, department_id, deadline_day) do update
             set reported = t.reported + excluded.reported, handled = t.handled + excluded.handled, closed = t.closed + excluded.closed,
                 on_time = t.on_time + excluded.on_time, rated = t.rated + excluded.rated, satisfied = t.satisfied + excluded.satisfied, open = t.open + excluded.open
          returning 1)
        insert into incident_close_rollup as t (grid_id, day, category, department_id, hours, closed, hours_sum)
        select grid_id, day, category, department_id, close_bucket, sum(closed), sum(close_hours)
          from d where close_bucket is not null group by 1, 2, 3, 4, 5
        having sum(closed) <> 0 or sum(close_hours) <> 0
         order by 1, 2, 3, 4, 5
        on conflict (grid_id, day, category, department_id, hours) do update
           set closed = t.closed + excluded.closed, hours_sum = t.hours_sum + excluded.hours_sum;
      end $$;`);

    this.addSql(`create function gridhub_incident_rollup_trigger() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform gridhub_rollup_incidents(array(select n::incident from new_rows n), '{}'::incident[]);
        elsif tg_op = 'UPDATE' then
          perform gridhub_rollup_incidents(
            array(select n::incident from new_rows n where exists (select 1 from old_rows o where o.id = n.id and (${FIGURE_COLUMNS('n')}) is distinct from (${FIGURE_COLUMNS('o')}))),
            array(select o::incident from old_rows o where exists (select 1 from new_rows n where n.id = o.id and (${FIGURE_COLUMNS('n')}) is distinct from (${FIGURE_COLUMNS('o')}))));
        else
          perform gridhub_rollup_incidents('{}'::incident[], array(select o::incident from old_rows o));
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger incident_rollup_insert after insert on incident referencing new table as new_rows for each statement execute function gridhub_incident_rollup_trigger();`);
    this.addSql(`create trigger incident_rollup_update after update on incident referencing old table as old_rows new table as new_rows for each statement execute function gridhub_incident_rollup_trigger();`);
    this.addSql(`create trigger incident_rollup_delete after delete on incident referencing old table as old_rows for each statement execute function gridhub_incident_rollup_trigger();`);

    this.addSql(`create function gridhub_rollup_clearance(added clearance_slot[], removed clearance_slot[]) returns void language sql as $$
      insert into clearance_rollup as t (grid_id, round_id, slots, confirmed, on_time)
      select a.grid_id, (x.s).round_id, sum(x.sign), sum(x.sign * ((x.s).status = 'confirmed')::int), sum(x.sign * ((x.s).status = 'confirmed' and not (x.s).late)::int)
        from (select a, 1 from unnest(added) a union all select r, -1 from unnest(removed) r) x(s, sign)
        cross join lateral unnest(string_to_array(ltree2text((x.s).path), '.')::int[]) a(grid_id)
       group by 1, 2
      having sum(x.sign) <> 0 or sum(x.sign * ((x.s).status = 'confirmed')::int) <> 0 or sum(x.sign * ((x.s).status = 'confirmed' and not (x.s).late)::int) <> 0
       order by 1, 2
      on conflict (grid_id, round_id) do update
         set slots = t.slots + excluded.slots, confirmed = t.confirmed + excluded.confirmed, on_time = t.on_time + excluded.on_time $$;`);
    this.addSql(`create function gridhub_clearance_rollup_trigger() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          perform gridhub_rollup_clearance(array(select n::clearance_slot from new_rows n), '{}'::clearance_slot[]);
        elsif tg_op = 'UPDATE' then
          perform gridhub_rollup_clearance(
            array(select n::clearance_slot from new_rows n where exists (select 1 from old_rows o where o.id = n.id and (n.path, n.status, n.late, n.round_id) is distinct from (o.path, o.status, o.late, o.round_id))),
            array(select o::clearance_slot from old_rows o where exists (select 1 from new_rows n where n.id = o.id and (n.path, n.status, n.late, n.round_id) is distinct from (o.path, o.status, o.late, o.round_id))));
        else
          perform gridhub_rollup_clearance('{}'::clearance_slot[], array(select o::clearance_slot from old_rows o));
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger clearance_rollup_insert after insert on clearance_slot referencing new table as new_rows for each statement execute function gridhub_clearance_rollup_trigger();`);
    this.addSql(`create trigger clearance_rollup_update after update on clearance_slot referencing old table as old_rows new table as new_rows for each statement execute function gridhub_clearance_rollup_trigger();`);
    this.addSql(`create trigger clearance_rollup_delete after delete on clearance_slot referencing old table as old_rows for each statement execute function gridhub_clearance_rollup_trigger();`);

    // Recounts every rollup from the incidents and slots, set-based (a changed time zone, a restore).
    this.addSql(`create function gridhub_rollup_rebuild() returns void language plpgsql as $$
      declare tz text := (select time_zone from stats_setting where id = 1);
      begin
        truncate incident_rollup, incident_close_rollup, clearance_rollup;
        insert into incident_rollup (grid_id, day, category, department_id, deadline_day, reported, handled, closed, on_time, rated, satisfied, open)
        select d.grid_id, d.day, d.category, d.department_id, d.deadline_day, sum(d.reported), sum(d.handled), sum(d.closed), sum(d.on_time), sum(d.rated), sum(d.satisfied), sum(d.open)
          from incident i cross join lateral gridhub_incident_rollup_delta(i, 1, tz) d group by 1, 2, 3, 4, 5;
        insert into incident_close_rollup (grid_id, day, category, department_id, hours, closed, hours_sum)
        select d.grid_id, d.day, d.category, d.department_id, d.close_bucket, sum(d.closed), sum(d.close_hours)
          from incident i cross join lateral gridhub_incident_rollup_delta(i, 1, tz) d where d.close_bucket is not null group by 1, 2, 3, 4, 5;
        insert into clearance_rollup (grid_id, round_id, slots, confirmed, on_time)
        select a.grid_id, s.round_id, count(*), count(*) filter (where s.status = 'confirmed'), count(*) filter (where s.status = 'confirmed' and not s.late)
          from clearance_slot s cross join lateral unnest(string_to_array(ltree2text(s.path), '.')::int[]) a(grid_id) group by 1, 2;
      end $$;`);
    this.addSql(`select gridhub_rollup_rebuild();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists incident_rollup_insert on incident;`);
    this.addSql(`drop trigger if exists incident_rollup_update on incident;`);
    this.addSql(`drop trigger if exists incident_rollup_delete on incident;`);
    this.addSql(`drop trigger if exists clearance_rollup_insert on clearance_slot;`);
    this.addSql(`drop trigger if exists clearance_rollup_update on clearance_slot;`);
    this.addSql(`drop trigger if exists clearance_rollup_delete on clearance_slot;`);
    this.addSql(`drop function if exists gridhub_rollup_rebuild(), gridhub_clearance_rollup_trigger(), gridhub_rollup_clearance(clearance_slot[], clearance_slot[]),
      gridhub_incident_rollup_trigger(), gridhub_rollup_incidents(incident[], incident[]), gridhub_incident_rollup_delta(incident, int, text),
      gridhub_incident_figures(incident, text), gridhub_close_bucket(double precision);`);
    this.addSql(`drop table if exists "clearance_rollup" cascade;`);
    this.addSql(`drop table if exists "incident_close_rollup" cascade;`);
    this.addSql(`drop table if exists "incident_rollup" cascade;`);
    this.addSql(`drop table if exists "stats_setting" cascade;`);
    this.addSql(`drop index if exists "incident_path_gist";`);
    this.addSql(`create index "incident_path_gist" on "incident" using gist ("path");`);
  }

}
