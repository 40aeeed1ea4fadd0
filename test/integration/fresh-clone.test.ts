import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LEFT_OUT = new Set(['node_modules', 'dist', '.data', '.git', 'coverage']);

it('`npx gridhub` works right after `npm install`, before anything built dist/', () => {
  // A clean copy as a clone plus `npm install` leaves it: sources and installed packages, no dist/.
  const copy = mkdtempSync(join(tmpdir(), 'gridhub-clone-'));
  try {
    cpSync(ROOT, copy, { recursive: true, filter: (src) => src === ROOT || !LEFT_OUT.has(basename(src)) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    expect(existsSync(join(copy, 'dist'))).toBe(false);
    const run = spawnSync(process.execPath, [join(copy, 'bin', 'gridhub.js'), 'parse', '--json', '#上报 3栋下水道篦子破损'], { cwd: copy, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('building dist/') });
    expect(JSON.parse(run.stdout)).toMatchObject({ command: 'report' });
    // The second run finds the build and starts at once, silently.
    const again = spawnSync(process.execPath, [join(copy, 'bin', 'gridhub.js'), 'parse', '--json', '收到'], { cwd: copy, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    expect({ code: again.status, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}, 300_000);
