// The test run's temporary folders: one per run, one per test file inside it, and a run that leaves anything fails.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { enterFileTmp, leaveFileTmp } from './environment.js';
import { enterRunTmp, leaveOutOfRun, memoryTmp, runTmpParent } from './global-setup.js';
import { leaveRunTmp, leftovers } from './global-teardown.js';
import { cli, scratch } from './project.js';

test('this file runs in its own folder inside the run’s, and so do the processes it starts', () => {
  const run = process.env.WG_POLICY_TEST_TMP!;
  expect(basename(run)).toMatch(/^wg-policy-test-/);
  expect(dirname(tmpdir())).toBe(run);
  expect(basename(tmpdir())).toMatch(/^file-/);
  expect(process.env.TMPDIR).toBe(tmpdir());
  // A CLI child gets it too (node -p runs before the bin would).
  expect(cli([], { nodeArgs: ['-p', "require('node:os').tmpdir()"] }).stdout.trim()).toBe(tmpdir());
});

test('scratch projects live in it and clean up after themselves', () => {
  const before = readdirSync(tmpdir());
  const s = scratch({ 'project/.wg/config.toml': '' });
  expect(dirname(s.root)).toBe(tmpdir());
  expect(existsSync(join(s.wgDir, 'config.toml'))).toBe(true);
  s.cleanup();
  expect(readdirSync(tmpdir())).toEqual(before);
});

test('a file’s folder goes with everything in it when the file ends', () => {
  const parent = mkdtempSync(join(tmpdir(), 'parent-'));
  const env: NodeJS.ProcessEnv = {};
  const dir = enterFileTmp([env], parent);
  expect([dirname(dir), env.TMPDIR]).toEqual([parent, dir]);
  mkdirSync(join(dir, 'wg-policy-smoke', 't1-abc'), { recursive: true });
  writeFileSync(join(dir, 'wg-policy-smoke', 't1-abc', 'log'), 'x');
  leaveFileTmp(dir);
  expect(readdirSync(parent)).toEqual([]);
});

test('the run’s folder: created under TMPDIR, and the end of the run fails naming what was left in it', () => {
  const env: NodeJS.ProcessEnv = { TMPDIR: tmpdir() };
  const run = enterRunTmp(env);
  expect([env.TMPDIR, env.WG_POLICY_TEST_TMP, dirname(run)]).toEqual([run, run, tmpdir()]);
  leaveRunTmp(run); // empty: fine
  expect(existsSync(run)).toBe(false);

  const dirty = enterRunTmp({ TMPDIR: tmpdir() });
  mkdirSync(join(dirty, 'wgp-x1'));
  writeFileSync(join(dirty, 'stray.log'), '');
  expect(leftovers(dirty)).toEqual(['stray.log', 'wgp-x1/']);
  expect(() => leaveRunTmp(dirty)).toThrow('the tests left 2 item(s) in $TMPDIR: stray.log, wgp-x1/');
  expect(existsSync(dirty)).toBe(false); // removed all the same
});

test('without TMPDIR the run’s folder goes to a writable /dev/shm when there is one, else the system temp folder', () => {
  const shm = memoryTmp();
  expect(runTmpParent({})).toBe(shm ?? tmpdir());
  expect(runTmpParent({ TMPDIR: '/somewhere/else' })).toBe('/somewhere/else');
  const file = join(tmpdir(), 'not-a-folder');
  writeFileSync(file, '');
  expect([memoryTmp(file), memoryTmp(join(tmpdir(), 'missing'))]).toEqual([undefined, undefined]);
});

test('the run leaves NODE_EXTRA_CA_CERTS out of the workers’ environment, and so out of every process they start', () => {
  expect(process.env.NODE_EXTRA_CA_CERTS).toBeUndefined();
  const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', PATH: '/bin' };
  leaveOutOfRun(env);
  expect(env).toEqual({ PATH: '/bin' });
});
