import type { EscalationResult } from '../services/escalation.service.js';
import type { Job } from './job.js';

/** Every minute: hand overdue incidents one level up, once per lapse. */
export const overdueEscalationJob: Job<EscalationResult[]> = {
  name: 'overdue-escalation',
  schedule: '* * * * *',
  run: (scope, now) => scope.escalations.escalateOverdue(now),
};
