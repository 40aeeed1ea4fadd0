import type { Scope } from '../scope.js';

/** A scheduled job: pure of cron; the scheduler calls `run` with a scope and the time. */
export interface Job<R = unknown> {
  readonly name: string;
  /** node-cron expression, in the grids' time zone. */
  readonly schedule: string;
  run(scope: Scope, now: Date): Promise<R>;
}
