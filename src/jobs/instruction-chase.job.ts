import type { ChaseResult } from '../services/instruction-chase.service.js';
import type { Job } from './job.js';

/**
 * Every 15 seconds (a grade I acknowledgement is due in 5 minutes, its reminder at 2.5):
 * reminders at half of each window, overdue marks and lists at its end, each once.
 */
export const instructionChaseJob: Job<ChaseResult[]> = {
  name: 'instruction-chase',
  schedule: '*/15 * * * * *',
  run: (scope, now) => scope.instructionChase.run(now),
};
