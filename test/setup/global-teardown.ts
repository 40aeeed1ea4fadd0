// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dropDatabase, withDatabase } = require('../../dist/src/infra/database-admin.js') as typeof import('../../src/infra/database-admin');

/** Drops the template databases and stops the embedded PostgreSQL, if one was started. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env['GRIDHUB_TEST_PG'];
  if (url) {
    const maintenance = withDatabase(url, 'postgres');
    for (const key of ['GRIDHUB_TEST_TEMPLATE_EMPTY', 'GRIDHUB_TEST_TEMPLATE_DEMO']) {
      const name = process.env[key];
      if (name) await dropDatabase(maintenance, name).catch(() => undefined);
    }
  }
  const embedded = (globalThis as Record<string, unknown>)['__GRIDHUB_EMBEDDED__'] as { stop(): Promise<void> } | undefined;
  await embedded?.stop();
}
