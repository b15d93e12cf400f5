// Per-user run folders: under the user's own state dir, mode 0700, never shared with or taken from another user.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshRunFolder, runsRoot } from '../../src/gate/run-folder.js';
import { PolicyError } from '../../src/shared/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wgp-runs-'));
});
afterEach(() => {
  chmodSync(dir, 0o700);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

test('the root: $XDG_STATE_HOME (absolute only), else ~/.local/state, else a per-uid folder in tmp', () => {
  const [state, home] = [path.join(os.tmpdir(), 'state'), path.join(os.tmpdir(), 'home-u')];
  expect(runsRoot({ XDG_STATE_HOME: state, HOME: home })).toBe(path.join(state, 'wg-policy', 'runs'));
  expect(runsRoot({ XDG_STATE_HOME: 'relative', HOME: home })).toBe(path.join(home, '.local', 'state', 'wg-policy', 'runs'));
  expect(runsRoot({ HOME: home })).toBe(path.join(home, '.local', 'state', 'wg-policy', 'runs'));
  expect(runsRoot({})).toBe(path.join(os.tmpdir(), `wg-policy-${process.getuid!()}`, 'runs'));
});

test('each run gets a new 0700 folder in a 0700 root; two users (two homes) never share one', () => {
  const [alice, bob] = ['alice', 'bob'].map((u) => path.join(dir, u));
  const a1 = freshRunFolder('t1', { HOME: alice });
  const a2 = freshRunFolder('t1', { HOME: alice });
  const b1 = freshRunFolder('t/1 weird', { HOME: bob });
  expect(a1).not.toBe(a2);
  expect(path.dirname(a1)).toBe(path.join(alice, '.local', 'state', 'wg-policy', 'runs'));
  expect(path.basename(b1)).toMatch(/^t_1_weird-\w{6}$/);
  expect(b1.startsWith(bob)).toBe(true);
  for (const p of [a1, b1, path.dirname(a1), path.dirname(path.dirname(a1))]) expect([p, mode(p)]).toEqual([p, 0o700]);
});

test('an existing root that others could write is made 0700', () => {
  const root = path.join(dir, 'state', 'wg-policy');
  mkdirSync(path.join(root, 'runs'), { recursive: true, mode: 0o777 });
  chmodSync(root, 0o777);
  chmodSync(path.join(root, 'runs'), 0o777);
  freshRunFolder('t1', { XDG_STATE_HOME: path.join(dir, 'state') });
  expect([mode(root), mode(path.join(root, 'runs'))]).toEqual([0o700, 0o700]);
});

test('runs older than a day are pruned; newer ones stay', () => {
  const env = { HOME: dir };
  const old = freshRunFolder('old', env);
  const recent = freshRunFolder('recent', env);
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  utimesSync(old, twoDaysAgo, twoDaysAgo);
  freshRunFolder('t1', env);
  expect([existsSync(old), existsSync(recent)]).toEqual([false, true]);
});

function refusal(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).code).toBe('run-folder');
    expect((e as PolicyError).exit).toBe(2);
    return e as PolicyError;
  }
  throw new Error('expected a run-folder error');
}

test('a symlink in place of the folder is refused, not followed', () => {
  const target = path.join(dir, 'elsewhere');
  mkdirSync(target);
  mkdirSync(path.join(dir, 'state'));
  symlinkSync(target, path.join(dir, 'state', 'wg-policy'));
  expect(refusal(() => freshRunFolder('t1', { XDG_STATE_HOME: path.join(dir, 'state') })).message).toContain(
    'is not a folder (a symlink or file is in the way)',
  );
});

test('a folder of another user (or one this user cannot create) is bad input naming it, never an internal error', () => {
  const state = path.join(dir, 'state');
  if (process.getuid!() === 0) {
    // root can write anywhere: the folder of another user is the case to refuse
    mkdirSync(path.join(state, 'wg-policy'), { recursive: true });
    chownSync(path.join(state, 'wg-policy'), 65534, 65534);
    expect(refusal(() => freshRunFolder('t1', { XDG_STATE_HOME: state })).message).toMatch(/wg-policy` belongs to uid 65534; it must be a folder of your own$/);
  } else {
    mkdirSync(state);
    chmodSync(state, 0o500);
    expect(refusal(() => freshRunFolder('t1', { XDG_STATE_HOME: state })).message).toMatch(/^cannot create the scenario log folder `.*`: EACCES$/);
  }
});
