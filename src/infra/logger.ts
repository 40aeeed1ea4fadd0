import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one root logger, children per component. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'gridhub', pid: process.pid, ...base }, timestamp: pino.stdTimeFunctions.isoTime });
}
