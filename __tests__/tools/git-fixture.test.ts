// The git fixture: a history written straight into .git is what `git fast-import` (and so `git add -A && git commit`
// per step) would have made of it.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commitHistory, snapshot } from '../../src/tools/git-fixture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wgp-fixture-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
};

test('each commit holds the whole tree on its branch (a new branch starts at the commit before), HEAD on the last', () => {
  write('README', 'base\n');
  write('a/b/script.sh', 'exit 0\n');
  chmodSync(path.join(dir, 'a/b/script.sh'), 0o755);
  const base = snapshot(dir);
  rmSync(path.join(dir, 'README'));
  write('a/new', 'x\n');
  commitHistory(
    dir,
    [
      { branch: 'main', message: 'base', files: base },
      { branch: 'agent', message: 'work', files: snapshot(dir) },
    ],
    'agent',
  );
  expect(git('symbolic-ref', 'HEAD')).toBe('refs/heads/agent');
  expect(git('log', '--format=%s', 'agent')).toBe('work\nbase');
  expect(git('rev-parse', 'main')).toBe(git('rev-parse', 'agent~1'));
  const modes = git('ls-tree', '-r', 'main').replace(/ blob [0-9a-f]+\t/g, ' ');
  expect(modes).toBe('100644 README\n100755 a/b/script.sh');
  expect(git('ls-tree', '-r', '--name-only', 'agent')).toBe('a/b/script.sh\na/new');
  expect(git('show', 'main:README')).toBe('base');
  expect(git('fsck', '--strict')).toBe('');
});

test('HEAD on a branch none of the commits is on: a new branch at the last commit; no commit: an unborn branch', () => {
  write('f', '1\n');
  commitHistory(dir, [{ branch: 'main', message: 'base', files: snapshot(dir) }], 'agent');
  expect(git('rev-parse', 'HEAD')).toBe(git('rev-parse', 'main'));
  expect(git('symbolic-ref', 'HEAD')).toBe('refs/heads/agent');
  rmSync(path.join(dir, '.git'), { recursive: true });
  commitHistory(dir, [], 'main');
  expect(() => git('rev-parse', '--verify', '-q', 'HEAD')).toThrow();
});

test('commit ids are reproducible, and anything but a plain file is refused by name', () => {
  write('f', '1\n');
  commitHistory(dir, [{ branch: 'main', message: 'base', files: snapshot(dir) }], 'main');
  const first = git('rev-parse', 'HEAD');
  rmSync(path.join(dir, '.git'), { recursive: true });
  commitHistory(dir, [{ branch: 'main', message: 'base', files: snapshot(dir) }], 'main');
  expect(git('rev-parse', 'HEAD')).toBe(first);
  symlinkSync('f', path.join(dir, 'link'));
  expect(() => snapshot(dir)).toThrow('`link` in a scratch project cannot be committed by the git fixture');
});

test('the objects are the ones git fast-import makes of the same history: the same id for every branch', () => {
  write('README', 'base\n');
  write('tests/smoke/a.sh', 'exit 0\n');
  write('tests/smoke-x', 'sorts between the folder and its files\n');
  chmodSync(path.join(dir, 'tests/smoke/a.sh'), 0o755);
  const history = [{ branch: 'main', message: 'base', files: snapshot(dir) }];
  write('tests/smoke/b.sh', 'exit 1\n');
  history.push({ branch: 'feature/x', message: 'more', files: snapshot(dir) });
  rmSync(path.join(dir, 'README'));
  history.push({ branch: 'feature/x', message: 'less\n', files: snapshot(dir) });
  history.push({ branch: 'main', message: 'on main', files: new Map() });
  commitHistory(dir, history, 'agent');
  const ours = git('for-each-ref', '--format=%(refname) %(objectname)');
  expect(git('fsck', '--strict')).toBe('');

  // The reference: the same history through `git fast-import` in a fresh repository.
  rmSync(path.join(dir, '.git'), { recursive: true });
  git('init', '-q', '--template=', '--initial-branch=agent');
  const stream = history.flatMap((c, i) => [
    `commit refs/heads/${c.branch}\nmark :${i + 1}\ncommitter wg-policy tests <tests@example.invalid> ${1_700_000_000 + 60 * i} +0000\n`,
    `data ${Buffer.byteLength(c.message)}\n${c.message}\n`,
    i > 0 && !history.slice(0, i).some((p) => p.branch === c.branch) ? `from :${i}\n` : '',
    'deleteall\n',
    ...[...c.files].map(([p, f]) => `M ${f.mode} inline ${p}\ndata ${f.data.length}\n${f.data.toString()}\n`),
    '\n',
  ]);
  execFileSync('git', ['fast-import', '--quiet', '--done'], { cwd: dir, input: `${stream.join('')}reset refs/heads/agent\nfrom :${history.length}\n\ndone\n` });
  expect(ours).toBe(git('for-each-ref', '--format=%(refname) %(objectname)'));
});

test('a branch name git would refuse is refused by name, and nothing is written outside the project', () => {
  write('f', '1\n');
  const files = snapshot(dir);
  for (const bad of ['../../outside', 'a b', 'a..b', '', 'x.lock', '-x', 'a/', 'a\\b']) {
    expect(() => commitHistory(dir, [{ branch: bad, message: 'base', files }], 'main')).toThrow(/cannot name a git branch in a scratch project/);
    expect(() => commitHistory(dir, [{ branch: 'main', message: 'base', files }], bad)).toThrow(/cannot name a git branch/);
  }
  expect(existsSync(path.join(dir, '..', '..', 'outside'))).toBe(false);
});

test('tree entries are in git’s byte order, also for names beyond the Basic Multilingual Plane', () => {
  write('a\u{ff71}', 'half-width katakana\n');
  write('a\u{1f600}', 'an emoji\n');
  write('a\u{e000}/x', 'a private-use folder\n');
  commitHistory(dir, [{ branch: 'main', message: 'base', files: snapshot(dir) }], 'main');
  expect(git('fsck', '--strict')).toBe('');
  expect(git('ls-tree', '-r', '--name-only', '-z', 'main').split('\0').filter(Boolean)).toHaveLength(3);
});
