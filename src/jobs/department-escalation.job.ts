import type { DepartmentEscalationResult } from '../services/escalation.service.js';
import type { Job } from './job.js';

/** Every minute: overdue department work goes to the department's head, once per lapse. */
export const departmentEscalationJob: Job<DepartmentEscalationResult[]> = {
  name: 'department-escalation',
  schedule: '* * * * *',
  run: (scope, now) => scope.escalations.escalateDepartmentWork(now),
};
