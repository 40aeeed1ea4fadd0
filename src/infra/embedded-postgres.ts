import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import type { Logger } from './logger.js';
import { importEsm } from './esm.js';
import { ensureDatabase, reachable } from './database-admin.js';

interface EmbeddedPostgresLike {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresLike;

/** A running embedded PostgreSQL: its connection URL and how to stop it. */
export interface EmbeddedPostgresHandle {
  readonly url: string;
  stop(): Promise<void>;
}

interface Settings {
  password: string;
}

/** Adds o+x (traverse, not read) to every ancestor of `paths` that lacks it; returns those changed. */
function grantTraverse(paths: string[]): string[] {
  const changed = new Set<string>();
  for (const start of paths) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        changed.add(dir);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return [...changed];
}

/** Finds a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its data in
 * `<dataDir>/pg`: initialised on first use, reused afterwards, on a free loopback port.
 * Works as root (the package creates a `postgres` system user for the server process).
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger, opts: { port?: number } = {}): Promise<EmbeddedPostgresHandle> {
  const root = resolve(dataDir);
  const databaseDir = join(root, 'pg');
  const settingsFile = join(root, 'pg-settings.json');
  mkdirSync(root, { recursive: true });
  if (process.getuid?.() === 0) {
    // As root the server runs as the `postgres` user, which must reach its data and the
    // binaries under node_modules; a clone under /root or a mktemp dir (0700) would stop it.
    chmodSync(root, 0o711);
    for (const dir of grantTraverse([root, join(__dirname, '..', '..')])) {
      log.warn({ component: 'embedded-postgres', dir }, 'granted other users traverse (o+x) on a directory so the postgres user can reach PostgreSQL; set DATABASE_URL to avoid this');
    }
  }
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  let settings: Settings;
  if (fresh || !existsSync(settingsFile)) {
    settings = { password: randomBytes(18).toString('base64url') };
    writeFileSync(settingsFile, JSON.stringify(settings), { mode: 0o600 });
  } else {
    settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Settings;
  }
  const pidFile = join(databaseDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    // Another gridhub process (e.g. `npm start` while running `gridhub token`) owns the server:
    // share it rather than start a second one; the owner stops it.
    const runningPort = Number(readFileSync(pidFile, 'utf8').split('\n')[3]);
    const base = `postgresql://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${runningPort}`;
    if (runningPort > 0 && (await reachable(`${base}/postgres`))) {
      await ensureDatabase(`${base}/postgres`, 'gridhub');
      log.info({ component: 'embedded-postgres', port: runningPort }, 'using the embedded PostgreSQL another process started');
      return { url: `${base}/gridhub`, stop: async () => undefined };
    }
    throw new Error(`embedded PostgreSQL: ${pidFile} exists but no server answers on port ${runningPort}; if no gridhub runs, remove the file`);
  }
  // A fixed port (the fault tests restart a server where its clients expect it), else a free one.
  const port = opts.port ?? (await freePort());
  const { default: EmbeddedPostgres } = await importEsm<{ default: EmbeddedPostgresCtor }>('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: settings.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: string) => log.debug({ component: 'embedded-postgres' }, String(message).trim()),
    onError: (message: unknown) => log.warn({ component: 'embedded-postgres' }, String(message).trim()),
  });
  const started = Date.now();
  // The package rejects with `undefined` on a busy port or data dir: name the cause ourselves.
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      throw new Error(`embedded PostgreSQL failed to ${what} in ${databaseDir}: ${describeFailure(err)}`);
    }
  };
  if (fresh) await step('initialise', () => pg.initialise());
  await step('start', () => pg.start());
  log.info({ component: 'embedded-postgres', port, fresh, ms: Date.now() - started }, 'embedded PostgreSQL started');
  const base = `postgresql://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, 'gridhub');
  const url = `${base}/gridhub`;
  let stopped = false;
  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      log.info({ component: 'embedded-postgres' }, 'embedded PostgreSQL stopped');
    },
  };
}

/** The package rejects with `undefined` on a busy port or data dir, and with non-Errors elsewhere. */
function describeFailure(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return err === undefined || err === null ? 'unknown error (is the data directory or port in use?)' : inspect(err);
}
