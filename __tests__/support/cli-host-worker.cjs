'use strict';
// Test support: the worker thread behind cli-host.ts's synchronous calls. It owns the host process (cli-process.cjs),
// relays each request from the test's thread to it and each answer back, then wakes the test's thread (which waits on
// a shared flag with Atomics.wait, so a test calls the CLI as synchronously as spawnSync, without a process per call).
const { fork } = require('node:child_process');
const { workerData } = require('node:worker_threads');

const { flag, port, script, bundle, env } = workerData;
let host;
let current;
let last;

function answer(reply) {
  current = undefined;
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

function started() {
  if (host) return host;
  const child = fork(script, [bundle], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  child.stdout.resume();
  child.stderr.resume();
  child.on('message', (m) => {
    if (current !== undefined && m.id === current) answer({ id: m.id, code: m.code, stdout: m.stdout, stderr: m.stderr });
  });
  child.on('exit', (code, signal) => {
    if (host === child) host = undefined;
    // Said even when the last call was answered already: a caller that killed the host waits for this word.
    answer({ id: current ?? last, code: -1, stdout: '', stderr: `cli host exited (${signal ?? code})`, died: true });
  });
  Atomics.store(flag, 1, child.pid);
  host = child;
  return child;
}

port.on('message', (req) => {
  current = last = req.id;
  started().send(req);
});
