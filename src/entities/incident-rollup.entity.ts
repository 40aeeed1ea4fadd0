import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Incident figures per grid, day and slice, kept by a trigger on `incident` in the transaction
 * of every change (migrations/Migration20261204140000.ts). An incident counts at its own grid
 * AND at every ancestor (its `path`), so a subtree's figures over a period are one range read
 * of the subtree's root (its children's, by child). The range is read index-only from
 * `incident_rollup_cover`, (grid, day) carrying every other column: a day's rows of every grid
 * are written together and share heap pages, so a heap read would touch a page per row.
 * Merged duplicates count nowhere. Written only by the database: the ORM never inserts these rows.
 */
@Entity({ tableName: 'incident_rollup' })
@Index({
  name: 'incident_rollup_cover',
  expression: `create index "incident_rollup_cover" on "incident_rollup" ("grid_id", "day") include ("category", "department_id", "deadline_day", "reported", "handled", "closed", "on_time", "rated", "satisfied", "open")`,
})
export class IncidentRollupEntity {
  /** The incident's grid or one of its ancestors. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  gridId!: number;

  /** The report's calendar day in the rollup time zone (`stats_setting`). */
  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'string', length: 24 })
  category!: string;

  /** The department it is dispatched to, 0 for none. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  departmentId!: number;

  /** The deadline's calendar day: open incidents with a deadline before today are overdue. */
  @PrimaryKey({ type: 'date' })
  deadlineDay!: string;

  @Property({ type: 'integer', default: 0 })
  reported!: number;

  /** Handled on the spot. */
  @Property({ type: 'integer', default: 0 })
  handled!: number;

  /** Handled or closed. */
  @Property({ type: 'integer', default: 0 })
  closed!: number;

  /** Closed by the deadline. */
  @Property({ type: 'integer', default: 0 })
  onTime!: number;

  @Property({ type: 'integer', default: 0 })
  rated!: number;

  @Property({ type: 'integer', default: 0 })
  satisfied!: number;

  /** In an open state (`OPEN_STATES`). */
  @Property({ type: 'integer', default: 0 })
  open!: number;
}

/**
 * Hours from report to close, as a histogram per grid (and ancestor), day and slice: whole hours
 * below 48 h, whole days above. Each bucket keeps the exact sum of its hours, so a median falls
 * on the mean of the bucket that holds it. Kept by the same trigger as {@link IncidentRollupEntity},
 * and read the same way, index-only from `incident_close_rollup_cover`.
 */
@Entity({ tableName: 'incident_close_rollup' })
@Index({
  name: 'incident_close_rollup_cover',
  expression: `create index "incident_close_rollup_cover" on "incident_close_rollup" ("grid_id", "day") include ("category", "department_id", "hours", "closed", "hours_sum")`,
})
export class IncidentCloseRollupEntity {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  gridId!: number;

  @PrimaryKey({ type: 'date' })
  day!: string;

  @PrimaryKey({ type: 'string', length: 24 })
  category!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  departmentId!: number;

  /** Lower bound of the bucket in hours. */
  @PrimaryKey({ type: 'integer', autoincrement: false })
  hours!: number;

  @Property({ type: 'integer', default: 0 })
  closed!: number;

  @Property({ type: 'double', default: 0 })
  hoursSum!: number;
}

/** Clearance slots per grid (and ancestor) and round, kept by a trigger on `clearance_slot`. */
@Entity({ tableName: 'clearance_rollup' })
export class ClearanceRollupEntity {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  gridId!: number;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  roundId!: number;

  @Property({ type: 'integer', default: 0 })
  slots!: number;

  @Property({ type: 'integer', default: 0 })
  confirmed!: number;

  /** Confirmed, not late. */
  @Property({ type: 'integer', default: 0 })
  onTime!: number;
}

/** The time zone the rollups' days are counted in (one row); changing it rebuilds them. */
@Entity({ tableName: 'stats_setting' })
export class StatsSettingEntity {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id!: number;

  @Property({ type: 'string', length: 64 })
  timeZone!: string;
}
