// The default base: the merge-base with the integration branch, so an agent's own commit is never its own base.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chooseBase } from '../../src/gate/base.js';
import { runGit, type GitRunner } from '../../src/shared/git.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wgp-base-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    encoding: 'utf8',
  }).trim();
const commit = (msg: string) => {
  writeFileSync(path.join(dir, 'f'), msg);
  git('add', '-A');
  git('commit', '-q', '-m', msg);
  return git('rev-parse', 'HEAD');
};

test('outside git: HEAD, nothing to compare', () => {
  expect(chooseBase({ repoDir: dir })).toEqual({
    rev: 'HEAD',
    label: 'nothing (not in a git repository: no change counts as accepted)',
    explicit: false,
    isHead: true,
    top: null,
    sha: null,
    onIntegrationBranch: null,
  });
});

test('without git on PATH the label says git cannot be run, not that the folder is outside a repository', () => {
  const missing: GitRunner = () => ({ status: null, stdout: '', missing: true });
  expect(chooseBase({ repoDir: dir, git: missing })).toMatchObject({
    rev: 'HEAD',
    label: 'nothing (git cannot be run (it is not installed, or not on PATH): no change counts as accepted)',
    top: null,
  });
});

test('a repository without commits: HEAD, no commit yet', () => {
  git('init', '-q');
  expect(chooseBase({ repoDir: dir })).toMatchObject({ rev: 'HEAD', label: 'nothing (no commit yet: no change counts as accepted)', isHead: true, sha: null });
});

test('on main without a remote, commits on main move the base (isHead)', () => {
  git('init', '-q');
  const c = commit('one');
  expect(chooseBase({ repoDir: dir })).toMatchObject({ rev: 'HEAD', label: 'HEAD', isHead: true, sha: c });
});

test('on a branch, the base is the merge-base with main: the branch’s own commits are not in it', () => {
  git('init', '-q');
  const base = commit('base');
  git('checkout', '-q', '-b', 'agent');
  commit('agent work');
  expect(chooseBase({ repoDir: dir })).toEqual({
    rev: base,
    label: `merge-base of HEAD and main (${base.slice(0, 7)})`,
    explicit: false,
    isHead: false,
    top: expect.any(String),
    sha: base,
    onIntegrationBranch: null, // on a branch of its own
  });
  git('checkout', '-q', '-b', 'fresh', base);
  expect(chooseBase({ repoDir: dir })).toMatchObject({ rev: 'HEAD', label: 'HEAD', isHead: false, sha: base });
});

test('a remote-tracking branch wins over local main: local commits on main are not their own base', () => {
  git('init', '-q');
  const pushed = commit('pushed');
  git('update-ref', 'refs/remotes/origin/main', pushed);
  commit('local only');
  expect(chooseBase({ repoDir: dir })).toMatchObject({ rev: pushed, label: `merge-base of HEAD and origin/main (${pushed.slice(0, 7)})`, isHead: false });
});

test('origin/HEAD names the integration branch when set', () => {
  git('init', '-q');
  const trunk = commit('trunk');
  git('update-ref', 'refs/remotes/origin/trunk', trunk);
  git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/trunk');
  git('checkout', '-q', '-b', 'feature');
  commit('feature');
  expect(chooseBase({ repoDir: dir })).toMatchObject({ rev: trunk, label: `merge-base of HEAD and origin/trunk (${trunk.slice(0, 7)})` });
});

test('no integration branch at all: HEAD, with a note saying committed changes count as accepted', () => {
  git('init', '-q');
  git('checkout', '-q', '-b', 'dev');
  commit('x');
  const b = chooseBase({ repoDir: dir });
  expect(b).toMatchObject({ rev: 'HEAD', isHead: true });
  expect(b.note).toBe(
    'no integration branch found (origin/HEAD, origin/main, origin/master, main, master): the gate compares with HEAD, so committed changes count as accepted; pass --base',
  );
});

test('an explicit --base is used as given; one that is not an ancestor of the default base is `moved`', () => {
  git('init', '-q');
  const base = commit('base');
  git('checkout', '-q', '-b', 'agent');
  commit('agent work');
  expect(chooseBase({ repoDir: dir, explicit: base })).toMatchObject({ rev: base, label: base, explicit: true, sha: base });
  expect(chooseBase({ repoDir: dir, explicit: base }).moved).toBeUndefined();
  const moved = chooseBase({ repoDir: dir, explicit: 'HEAD' });
  expect(moved).toMatchObject({ rev: 'HEAD', explicit: true, isHead: true });
  expect(moved.moved).toBe(`\`--base HEAD\` is not an ancestor of the merge-base of HEAD and main (${base.slice(0, 7)}), so it accepts commits made since`);
  expect(chooseBase({ repoDir: dir, explicit: 'no-such-rev' })).toMatchObject({ sha: null });
});

test('an older --base than the default is `moved` too: it compares with the gate from before what main gained since (found in review)', () => {
  git('init', '-q');
  const older = commit('older');
  const base = commit('a human adds a scenario on main');
  git('checkout', '-q', '-b', 'agent');
  commit('agent work');
  const b = chooseBase({ repoDir: dir, explicit: older });
  expect(b).toMatchObject({ sha: older });
  expect(b.moved).toBe(
    `\`--base ${older}\` is older than the merge-base of HEAD and main (${base.slice(0, 7)}), so it compares with the gate as it was before what was committed since`,
  );
  expect(chooseBase({ repoDir: dir, explicit: 'main' }).moved).toBeUndefined(); // the default base itself
});

/** The real git, with the commands it was asked to run (each one a process the gate waits for). */
function counted(): { git: GitRunner; commands: string[] } {
  const commands: string[] = [];
  return { commands, git: (args, cwd) => (commands.push(args[0]), runGit(args, cwd)) };
}

test('git calls: one outside git and before the first commit, two on the integration branch’s tip, three on a branch', () => {
  const at = (expectTop: string | null) => {
    const c = counted();
    expect(chooseBase({ repoDir: dir, git: c.git }).top).toBe(expectTop);
    return c.commands;
  };
  expect(at(null)).toEqual(['rev-parse', '--version']); // the second: is git there at all (see the next test)
  git('init', '-q');
  const top = realpathSync(dir);
  expect(at(top)).toEqual(['rev-parse']);
  commit('one');
  expect(at(top)).toEqual(['rev-parse', 'for-each-ref']);
  git('checkout', '-q', '-b', 'agent');
  commit('two');
  expect(at(top)).toEqual(['rev-parse', 'for-each-ref', 'merge-base']);
});
