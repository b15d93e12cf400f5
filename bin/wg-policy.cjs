#!/usr/bin/env node
// wg-policy executable: runs the bundled CLI (dist/cli.cjs, built by `npm run build`, which `npm ci` runs)
// through V8's code cache, so a cold start skips most of the compiling. WG_POLICY_NO_CODE_CACHE=1 turns it off.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
let source;
try {
  source = fs.readFileSync(bundle, 'utf8');
} catch {
  process.stderr.write('wg-policy: dist/cli.cjs is missing; run `npm run build` in the wg-policy folder\n');
  process.exit(3);
}

const useCache = process.env.WG_POLICY_NO_CODE_CACHE !== '1';
// The cache sits next to the bundle, or in the temp folder when the install is read-only. V8 rejects a cache
// made from other source or by another V8, and then it is written anew.
const places = [`${bundle}.${process.versions.v8}.v8cache`, path.join(os.tmpdir(), `wg-policy-${process.versions.v8}-${source.length}.v8cache`)];
let cachedData;
for (const p of useCache ? places : []) {
  try {
    cachedData = fs.readFileSync(p);
    break;
  } catch {
    // not there: try the next place
  }
}

const script = new vm.Script(wrap(source), { filename: bundle, cachedData });
if (useCache && (!cachedData || script.cachedDataRejected)) {
  // Written after the run, so the functions the command compiled lazily are in the cache too.
  process.once('beforeExit', () => {
    const data = script.createCachedData();
    for (const p of places) {
      const tmp = `${p}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, p); // atomic: concurrent writers never leave a torn cache
        return;
      } catch {
        try {
          fs.unlinkSync(tmp);
        } catch {
          // nothing to clean up
        }
      }
    }
  });
}
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
