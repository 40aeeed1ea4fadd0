import cron, { type ScheduledTask } from 'node-cron';
import { OPERATOR } from '../domain/actor.js';
import type { Lock } from '../infra/lock.js';
import { createScope } from '../scope.js';
import type { AppDeps } from '../services/context.js';
import type { Job } from './job.js';
import { clearanceJob } from './clearance.job.js';
import { departmentEscalationJob } from './department-escalation.job.js';
import { instructionChaseJob } from './instruction-chase.job.js';
import { overdueEscalationJob } from './overdue-escalation.job.js';
import { photoSweepJob } from './photo-sweep.job.js';

export const JOBS: readonly Job[] = [overdueEscalationJob, departmentEscalationJob, instructionChaseJob, clearanceJob, photoSweepJob];

export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * One tick of `job`: behind the lock (skipped when another instance holds it), logged and
 * counted (`gridhub_job_runs_total`, `gridhub_job_duration_seconds`); never throws.
 */
export async function runJob(deps: AppDeps, lock: Lock, job: Job): Promise<'ok' | 'failed' | 'skipped'> {
  const log = deps.log.child({ component: 'scheduler' });
  let outcome: 'ok' | 'failed' | 'skipped';
  try {
    const ran = await lock.run(`job:${job.name}`, 55_000, async () => {
      const timed = deps.metrics.jobSeconds.startTimer({ job: job.name });
      try {
        const result = await job.run(createScope(deps, OPERATOR), deps.clock.now());
        log.info({ job: job.name, result: Array.isArray(result) ? result.length : result }, 'job ran');
      } finally {
        timed();
      }
    });
    outcome = ran ? 'ok' : 'skipped';
  } catch (err) {
    log.error({ job: job.name, err }, 'job failed');
    outcome = 'failed';
  }
  deps.metrics.jobRuns.inc({ job: job.name, outcome });
  return outcome;
}

/** Wires each job to node-cron behind a lock, so one instance runs each tick. */
export function startScheduler(deps: AppDeps, lock: Lock, jobs: readonly Job[] = JOBS): Scheduler {
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.schedule,
      () => {
        const p = runJob(deps, lock, job).finally(() => running.delete(p));
        running.add(p);
      },
      { timezone: deps.config.timeZone, name: job.name },
    ),
  );
  return {
    async stop() {
      for (const t of tasks) await t.stop();
      await Promise.allSettled([...running]);
    },
  };
}
