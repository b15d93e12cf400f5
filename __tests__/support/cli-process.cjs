'use strict';
// Test support: runs the built CLI many times in one process. The bundle is loaded once (afresh per request in the
// uncached host, see below); each request runs one command line through its `runCommandLine` (a fresh program, output
// guarded for that command) with its own argv, cwd, environment and captured stdout/stderr. Module state — the input
// caches — carries over between requests, as it does in `wg-policy serve`.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const bundle = process.argv[2];
const script = new vm.Script(wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle });
/** The bundle's `runCommandLine`, from a fresh run of the bundle (fresh module state). */
function load() {
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, createRequire(bundle), loaded, bundle, path.dirname(bundle));
  return loaded.exports.runCommandLine;
}
// The host started with WG_POLICY_NO_CACHE=1 is the uncached reference: it runs the bundle afresh for every call, so
// no module state (no input cache, no per-path memo) carries over. The other host loads it once.
const fresh = process.env.WG_POLICY_NO_CACHE === '1';
const kept = fresh ? undefined : load();
process.setMaxListeners(0);
process.stdout.setMaxListeners(0);
process.stderr.setMaxListeners(0);

let done = null;
const capture = (sink) =>
  function write(chunk, encoding, cb) {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = typeof encoding === 'function' ? encoding : cb;
    if (callback) process.nextTick(callback);
    return true;
  };
process.exit = (code) => {
  if (done) done(typeof code === 'number' ? code : typeof process.exitCode === 'number' ? process.exitCode : 0);
};
const crash = (e) => {
  if (done) {
    process.stderr.write(`${(e && e.stack) || e}\n`);
    done(7);
  }
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

process.on('message', (req) => {
  const out = [];
  const err = [];
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, req.env);
  process.chdir(req.cwd);
  process.argv = [process.execPath, 'wg-policy', ...req.args];
  process.exitCode = undefined;
  done = (code) => {
    done = null;
    process.send({ id: req.id, code, stdout: out.join(''), stderr: err.join('') });
  };
  Promise.resolve()
    .then(() => (kept ?? load())(process.argv, process.env))
    .then((code) => done && done(code), crash);
});
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
