import type { ClearanceTickResult } from '../services/clearance-schedule.service.js';
import type { Job } from './job.js';

/**
 * Every minute: open the rounds due (catching up any a downtime skipped), post roll-calls,
 * remind and mark misses at the times CLEARANCE_* set in TZ_GRID. The times live in the
 * configuration, not in cron, so a tick after an outage does what the outage skipped.
 */
export const clearanceJob: Job<ClearanceTickResult> = {
  name: 'clearance',
  schedule: '* * * * *',
  run: (scope, now) => scope.clearanceSchedule.tick(now),
};
