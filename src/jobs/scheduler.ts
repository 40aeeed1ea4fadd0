import cron, { type ScheduledTask } from 'node-cron';
import { OPERATOR } from '../domain/actor.js';
import type { Lock } from '../infra/lock.js';
import { createScope } from '../scope.js';
import type { AppDeps } from '../services/context.js';
import type { Job } from './job.js';
import { clearanceJob } from './clearance.job.js';
import { instructionChaseJob } from './instruction-chase.job.js';
import { overdueEscalationJob } from './overdue-escalation.job.js';

export const JOBS: readonly Job[] = [overdueEscalationJob, instructionChaseJob, clearanceJob];

export interface Scheduler {
  stop(): Promise<void>;
}

/** Wires each job to node-cron behind a lock, so one instance runs each tick. */
export function startScheduler(deps: AppDeps, lock: Lock, jobs: readonly Job[] = JOBS): Scheduler {
  const log = deps.log.child({ component: 'scheduler' });
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = jobs.map((job) =>
    cron.schedule(
      job.schedule,
      () => {
        const p = lock
          .run(`job:${job.name}`, 55_000, async () => {
            const result = await job.run(createScope(deps, OPERATOR), deps.clock.now());
            log.info({ job: job.name, result: Array.isArray(result) ? result.length : result }, 'job ran');
          })
          .catch((err: unknown) => log.error({ job: job.name, err }, 'job failed'))
          .finally(() => running.delete(p));
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
