import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { installProcessGuards, unhandledRejections } from '../../src/infra/process-guards';

/** A logger whose JSON lines land in `lines`. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, sink) };
}

const flush = () => new Promise((r) => setImmediate(r));

it('logs an unhandled rejection with its error and a count, and keeps the process running', async () => {
  const proc = new EventEmitter();
  const { lines, log } = capture();
  const exits: number[] = [];
  installProcessGuards(proc, log, (code) => exits.push(code));
  const before = unhandledRejections();
  proc.emit('unhandledRejection', new Error('Reached the max retries per request limit'), Promise.resolve());
  proc.emit('unhandledRejection', 'a bare string', Promise.resolve());
  await flush();
  expect(exits).toEqual([]);
  expect(unhandledRejections()).toBe(before + 2);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({ level: 50, component: 'process', err: { message: 'Reached the max retries per request limit' }, unhandledRejections: before + 1 });
  expect(lines[1]).toMatchObject({ err: { value: 'a bare string' }, unhandledRejections: before + 2 });
});

it('makes an uncaught exception loud (a fatal line) and exits with 1 for a clean restart', async () => {
  const proc = new EventEmitter();
  const { lines, log } = capture();
  const exits: number[] = [];
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let written = '';
  try {
    installProcessGuards(proc, log, (code) => exits.push(code));
    proc.emit('uncaughtException', new TypeError('boom'), 'uncaughtException');
    await flush();
    written = String(stderr.mock.calls[0]?.[0]);
  } finally {
    stderr.mockRestore();
  }
  expect(exits).toEqual([1]);
  expect(lines[0]).toMatchObject({ level: 60, err: { name: 'TypeError', message: 'boom' }, origin: 'uncaughtException' });
  expect(written).toMatch(/^gridhub: fatal uncaughtException: TypeError: boom/);
});
