import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/infra/package-root';

// The package's bin, from ts-jest (test/setup) or compiled (dist/test/setup, the soak benchmark).
const BIN = join(PACKAGE_ROOT, 'bin', 'gridhub.js');

export interface Running {
  child: ChildProcess;
  url: string;
  adminToken: string | null;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `gridhub <args>` to completion. */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Starts `gridhub serve` and waits for its "GridHub is up" line. */
export function startServe(env: Record<string, string>, timeoutMs = 60000): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env } });
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gridhub serve did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /GridHub is up: (\S+)/.exec(out);
      const t = /admin token: (gh_\S+)/.exec(out);
      if (m && (t || /admin token: the ADMIN_TOKEN/.test(out))) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1]!,
          adminToken: t ? t[1]! : null,
          output: () => out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gridhub serve exited with ${code}:\n${out}`));
    });
  });
}
