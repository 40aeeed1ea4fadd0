#!/usr/bin/env node
'use strict';
// The `gridhub` command line. Runs the compiled CLI; right after `npm install` (a fresh clone,
// no dist/ yet) it builds it first with the project's own TypeScript, so `npx gridhub` works.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(cli)) {
  process.stderr.write('gridhub: first run, building dist/ (npm run build)…\n');
  let tsc;
  try {
    tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  } catch {
    process.stderr.write('gridhub: dist/ is missing and TypeScript is not installed: run `npm install` in the project first\n');
    process.exit(1);
  }
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0 || !existsSync(cli)) {
    process.stderr.write('gridhub: the build failed; run `npm run build` to see why\n');
    process.exit(1);
  }
}
require('reflect-metadata');
require(cli).main(process.argv).catch((err) => {
  process.stderr.write(`gridhub: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
