import 'reflect-metadata';
import { Client } from 'pg';

// Global setup runs outside jest's module mapper (and may load ESM), so it uses the compiled
// code that `npm test` builds first (`pretest`).
/* eslint-disable @typescript-eslint/no-require-imports */
const { startEmbeddedPostgres } = require('../../dist/src/infra/embedded-postgres.js') as typeof import('../../src/infra/embedded-postgres');
const { createLogger } = require('../../dist/src/infra/logger.js') as typeof import('../../src/infra/logger');
const { migrate, openOrm } = require('../../dist/src/infra/orm.js') as typeof import('../../src/infra/orm');
const { ensureDatabase, dropDatabase, withDatabase } = require('../../dist/src/infra/database-admin.js') as typeof import('../../src/infra/database-admin');
const { seedCity } = require('../../dist/src/services/seed.service.js') as typeof import('../../src/services/seed.service');

/**
 * Runs once before all test files: finds PostgreSQL (DATABASE_URL, or an embedded one under
 * .data/test), migrates two template databases (empty, and with the demo city), and tells the
 * workers where they are. Each test file then clones a template into a database of its own.
 */
export default async function globalSetup(): Promise<void> {
  const log = createLogger(process.env['LOG_LEVEL'] ?? 'warn');
  let serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres('.data/test', log);
    (globalThis as Record<string, unknown>)['__GRIDHUB_EMBEDDED__'] = embedded;
    serverUrl = embedded.url;
  }
  const maintenance = withDatabase(serverUrl, 'postgres');
  const run = `${process.pid}`;
  const templates = { empty: `gridhub_tpl_empty_${run}`, demo: `gridhub_tpl_demo_${run}` };
  for (const name of Object.values(templates)) {
    await dropDatabase(maintenance, name);
    await ensureDatabase(maintenance, name);
  }
  for (const [kind, name] of Object.entries(templates)) {
    const orm = await openOrm({ url: withDatabase(serverUrl, name), log });
    try {
      await migrate(orm);
      if (kind === 'demo') await seedCity(orm.em.fork());
    } finally {
      await orm.close();
    }
  }
  // Templates must have no open connections while they are cloned.
  const c = new Client({ connectionString: maintenance });
  await c.connect();
  await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = any($1)`, [Object.values(templates)]);
  await c.end();
  process.env['GRIDHUB_TEST_PG'] = serverUrl;
  process.env['GRIDHUB_TEST_TEMPLATE_EMPTY'] = templates.empty;
  process.env['GRIDHUB_TEST_TEMPLATE_DEMO'] = templates.demo;
  process.env['GRIDHUB_TEST_REDIS'] = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}
