#!/usr/bin/env node
// wg-policy executable: runs the bundled CLI (dist/cli.cjs, built by `npm run build`, which `npm ci` runs)
// through V8's code cache, one cache per command, so a cold start skips most of the compiling.
// WG_POLICY_NO_CODE_CACHE=1 (or WG_POLICY_NO_CACHE=1) turns it off.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
let source;
let stat;
try {
  const fd = fs.openSync(bundle, 'r');
  try {
    stat = fs.fstatSync(fd);
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
} catch {
  process.stderr.write('wg-policy: dist/cli.cjs is missing; run `npm run build` in the wg-policy folder\n');
  process.exit(3);
}

const useCache = process.env.WG_POLICY_NO_CODE_CACHE !== '1' && process.env.WG_POLICY_NO_CACHE !== '1';
// V8 checks a cache only against the source's length, so the cache's name carries the bundle's identity (inode, size,
// mtime: a rebuilt bundle is a new file) and V8's version: a rebuilt bundle never runs stale code. Each command has its
// own cache (what `plan` compiles is not what `gate` compiles). It sits next to the bundle, or, when the install is
// read-only, in the user's own cache folder (mode 0700) — never in a folder other users can write.
const COMMANDS = new Set(['plan', 'explain', 'check', 'gate', 'done', 'audit', 'serve']);
let places = [];
if (useCache) {
  const command = COMMANDS.has(process.argv[2]) ? process.argv[2] : 'cli';
  const id = `${command}.${process.versions.v8}.${stat.ino}-${stat.size}-${Math.round(stat.mtimeMs)}`;
  const home = os.homedir();
  const userCache = process.env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  places = [`${bundle}.${id}.v8cache`, ...(userCache ? [path.join(userCache, 'wg-policy', `cli.${id}.v8cache`)] : [])];
}
let cachedData;
for (const p of places) {
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
  process.once('exit', () => {
    const data = script.createCachedData();
    for (const p of places) {
      const tmp = `${p}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
        fs.writeFileSync(tmp, data, { mode: 0o600 });
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
