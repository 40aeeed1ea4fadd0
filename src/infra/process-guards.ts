import type { Logger } from './logger.js';

/** What the guards listen on: `process`, or an emitter standing in for it in tests. */
export interface GuardedProcess {
  on(event: 'unhandledRejection', fn: (reason: unknown, promise: Promise<unknown>) => void): unknown;
  on(event: 'uncaughtException', fn: (err: Error, origin: string) => void): unknown;
}

let unhandled = 0;

/** Unhandled rejections seen by this process since it started (GET /healthz shows it). */
export const unhandledRejections = (): number => unhandled;

const describe = (reason: unknown) =>
  reason instanceof Error ? { name: reason.name, message: reason.message, stack: reason.stack } : { value: String(reason) };

/**
 * Process-wide last resorts for `gridhub serve`. A promise nobody awaited that rejects (a
 * Redis publish with Redis away, a fire-and-forget bot reply) is logged with its error and
 * counted, and the hub keeps serving: one lost side effect must not take every request down.
 * An uncaught exception leaves the process in an unknown state, so it is loud (a fatal log
 * line and one line on stderr) and ends the process with exit code 1 for its supervisor
 * (systemd, Docker, Kubernetes) to start a clean one.
 */
export function installProcessGuards(proc: GuardedProcess, log: Logger, exit: (code: number) => void): void {
  proc.on('unhandledRejection', (reason) => {
    unhandled += 1;
    log.error({ component: 'process', err: describe(reason), unhandledRejections: unhandled }, 'unhandled promise rejection (process continues)');
  });
  proc.on('uncaughtException', (err, origin) => {
    log.fatal({ component: 'process', err: describe(err), origin }, 'uncaught exception: exiting for a clean restart');
    process.stderr.write(`gridhub: fatal ${origin}: ${err?.stack ?? String(err)}\n`);
    exit(1);
  });
}
