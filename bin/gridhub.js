#!/usr/bin/env node
'use strict';
// The `gridhub` command line. Runs the compiled CLI; `npm run build` produces it.
require('reflect-metadata');
require('../dist/src/cli/main.js').main(process.argv).catch((err) => {
  process.stderr.write(`gridhub: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
});
