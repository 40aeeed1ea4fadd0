import type { Job } from './job.js';

/**
 * Every hour: deletes photo uploads that no incident refers to PHOTO_SWEEP_AFTER_HOURS (a day)
 * after their upload, with their files (local disk or S3), so unused uploads do not pile up.
 */
export const photoSweepJob: Job<{ uploads: number; files: number }> = {
  name: 'photo-sweep',
  schedule: '17 * * * *',
  run: (scope, now) => scope.photos.sweep(now),
};
