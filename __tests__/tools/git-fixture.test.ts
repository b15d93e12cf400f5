// The git fixture: a history in one fast-import is what `git add -A && git commit` per step would have made.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
