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
// A cache is named `<kind>.<bundle identity>.v8cache`; one written for a new build removes those of its kind that name
// another identity (older builds of this same bundle), so rebuilds and upgrades do not pile caches up. The user's cache
// folder is shared by every install, so there the kind also carries a tag of the bundle's path: another install's
// caches are never removed.
let places = [];
if (useCache) {
  const command = COMMANDS.has(process.argv[2]) ? process.argv[2] : 'cli';
  const kind = `${command}.${process.versions.v8}`;
  const identity = `${stat.ino}-${stat.size}-${Math.round(stat.mtimeMs)}`;
  const home = os.homedir();
  const userCache = process.env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : '');
  places = [
    { dir: path.dirname(bundle), kind: `${path.basename(bundle)}.${kind}.` },
    ...(userCache ? [{ dir: path.join(userCache, 'wg-policy'), kind: `cli.${kind}.${pathTag(bundle)}.` }] : []),
  ].map((p) => ({ ...p, file: path.join(p.dir, `${p.kind}${identity}.v8cache`) }));
}
let cachedData;
for (const { file } of places) {
  try {
    cachedData = fs.readFileSync(file);
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
    for (const { dir, kind, file } of places) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(tmp, data, { mode: 0o600 });
        fs.renameSync(tmp, file); // atomic: concurrent writers never leave a torn cache
        removeStale(dir, kind, file);
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
if (process.argv[2] === 'plan' && !process.argv.includes('--all')) liteStdio();
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
if (typeof mod.exports.start !== 'function') {
  process.stderr.write('wg-policy: dist/cli.cjs is from an older build; run `npm run build` in the wg-policy folder\n');
  process.exit(3);
}
mod.exports.start();

/** Removes the caches of `kind` in `dir` but `keep` (best effort: a cache another process removes first is gone anyway). */
function removeStale(dir, kind, keep) {
  let names = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if (!name.startsWith(kind) || !name.endsWith('.v8cache') || file === keep) continue;
    try {
      fs.unlinkSync(file);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** A short tag of a path (FNV-1a, 32 bits, hex): which install a cache in the shared user folder belongs to. */
function pathTag(p) {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * One plan writes a few lines: when stdout or stderr is a pipe, a file or /dev/null (not a terminal), `process.stdout` /
 * `process.stderr` start as a small stand-in that writes synchronously to the fd — as Node's own stream does there —
 * instead of loading Node's stream, net and socket modules for it. Anything the stand-in does not do itself (another
 * property, a write the fd refuses with EAGAIN) swaps in Node's real stream, which takes over the listeners and wrapped
 * `write`. A closed pipe (EPIPE) is reported as Node's stream reports it: an 'error' event on the next tick.
 */
function liteStdio() {
  const { EventEmitter } = require('node:events');
  const EVENT_METHODS = new Set([
    'on',
    'once',
    'off',
    'addListener',
    'removeListener',
    'prependListener',
    'prependOnceListener',
    'emit',
    'listeners',
    'rawListeners',
    'listenerCount',
    'removeAllListeners',
    'eventNames',
    'setMaxListeners',
    'getMaxListeners',
  ]);
  const devNull = (() => {
    try {
      return fs.statSync('/dev/null').rdev;
    } catch {
      return undefined;
    }
  })();
  for (const [name, fd] of [
    ['stdout', 1],
    ['stderr', 2],
  ]) {
    const original = Object.getOwnPropertyDescriptor(process, name);
    if (!original || typeof original.get !== 'function' || !original.configurable) continue;
    let st;
    try {
      st = fs.fstatSync(fd);
    } catch {
      continue;
    }
    const plain = st.isFIFO() || st.isSocket() || st.isFile() || (st.isCharacterDevice() && devNull !== undefined && st.rdev === devNull);
    if (!plain) continue;
    let lite;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: original.enumerable,
      get: () => (lite ??= standIn(name, fd, original)),
    });
  }

  function standIn(name, fd, original) {
    const events = new EventEmitter();
    let real;
    let destroyed = false;
    const own = { fd, isTTY: undefined, writable: true };
    const upgrade = () => {
      if (!real) {
        Object.defineProperty(process, name, original);
        real = original.get.call(process);
        const write = real.write;
        if (proxy.write !== ownWrite) real.write = proxy.write; // a wrapper installed on the stand-in (guard-output.ts)
        ownWrite.real = write.bind(real);
        for (const event of events.eventNames())
          for (const l of events.rawListeners(event)) {
            if (l.listener) real.once(event, l.listener);
            else real.on(event, l);
          }
        events.removeAllListeners();
      }
      return real;
    };
    function ownWrite(chunk, encoding, cb) {
      const done = typeof encoding === 'function' ? encoding : cb;
      if (ownWrite.real) return ownWrite.real(chunk, encoding, cb);
      if (destroyed) {
        const err = Object.assign(new Error('Cannot call write after a stream was destroyed'), { code: 'ERR_STREAM_DESTROYED' });
        if (done) process.nextTick(done, err);
        return false;
      }
      const data = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk;
      let off = 0;
      try {
        while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
      } catch (e) {
        if (e.code === 'EAGAIN') return upgrade().write(data.subarray(off), done);
        destroyed = true;
        own.writable = false;
        process.nextTick(() => events.emit('error', e));
        if (done) process.nextTick(done, e);
        return false;
      }
      if (done) process.nextTick(done, null);
      return true;
    }
    const target = { write: ownWrite };
    const proxy = new Proxy(target, {
      get(t, key) {
        if (real) return key === 'write' ? t.write : Reflect.get(real, key);
        if (key === 'write') return t.write;
        if (key === 'destroyed') return destroyed;
        if (Object.prototype.hasOwnProperty.call(own, key)) return own[key];
        if (typeof key === 'string' && EVENT_METHODS.has(key)) {
          const method = events[key];
          return (...args) => {
            const r = method.apply(events, args);
            return r === events ? proxy : r;
          };
        }
        return Reflect.get(upgrade(), key);
      },
      set(t, key, value) {
        if (key === 'write') t.write = value;
        else Reflect.set(upgrade(), key, value);
        return true;
      },
    });
    return proxy;
  }
}
