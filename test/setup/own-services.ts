import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { PACKAGE_ROOT } from '../../src/infra/package-root';
import { until } from './hub';

/** Ends a child process with `signal` and waits for it. */
async function end(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** A Redis of the test's own (never the machine's shared one), stopped and started at will. */
export class OwnRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    await until('redis-server answering', async () => {
      try {
        if (probe.status !== 'ready') await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        probe.disconnect();
        return false;
      }
    });
    probe.disconnect();
  }
  /** Kills it (SIGKILL): the hubs lose Redis without warning. */
  stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    return end(child, 'SIGKILL');
  }
}

const ROOT = PACKAGE_ROOT;

/**
 * A PostgreSQL of the test's own (the embedded one, from the built dist/), in a child
 * process, on a fixed port so it can be restarted where its clients expect it. `stop` is a
 * fast shutdown (connections are terminated, as a restart by an operator does).
 */
export class OwnPostgres {
  private child: ChildProcess | null = null;
  url = '';
  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    const script = `
      const { startEmbeddedPostgres } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'infra', 'embedded-postgres.js'))});
      const { createLogger } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'infra', 'logger.js'))});
      const [dir, port] = process.argv.slice(-2);
      startEmbeddedPostgres(dir, createLogger('warn'), { port: Number(port) }).then((pg) => {
        process.on('SIGTERM', () => pg.stop().then(() => process.exit(0), () => process.exit(1)));
        process.stdout.write('URL ' + pg.url + '\\n');
      }, (err) => { console.error(err); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script, this.dataDir, String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let out = '';
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`embedded PostgreSQL did not start:\n${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /URL (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`embedded PostgreSQL exited with ${code}:\n${out}`));
      });
    });
  }

  stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    return end(child, 'SIGTERM');
  }
}
