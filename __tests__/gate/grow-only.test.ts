// compareWithBase beyond the YAML cases: which folders it asks git about when the wg dir is outside git.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareWithBase } from '../../src/gate/grow-only.js';
import { loadManifest } from '../../src/gate/manifest.js';
import { runGit, type GitRunner } from '../../src/shared/git.js';
import { commitHistory, snapshot } from '../../src/tools/git-fixture.js';

let root: string;
let project: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'wgp-grow-')));
  project = path.join(root, 'project');
  mkdirSync(path.join(project, '.wg'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The real git, with the folders it was asked about. */
function counted(): { git: GitRunner; dirs: string[] } {
  const dirs: string[] = [];
  return { dirs, git: (args, cwd) => (dirs.push(path.relative(root, cwd)), runGit(args, cwd)) };
}

const manifestAt = (rel: string, names: string[]) => {
  const file = path.join(project, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, names.map((n) => `[[scenario]]\nname = "${n}"\nscript = "${n}.sh"\nowners = ["t1"]\n`).join('\n'));
  return file;
};

/** What the gate passes when chooseBase found no repository for the wg dir. */
const outsideGit = (file: string, git: GitRunner) => ({
  manifest: loadManifest(file),
  label: path.relative(project, file),
  candidates: [path.join(project, '.wg', 'tests', 'smoke', 'manifest.toml'), file, path.join(project, 'smoke', 'manifest.toml')],
  repoDir: path.join(project, '.wg'),
  base: 'HEAD',
  explicit: false,
  git,
  known: { top: null, sha: null },
});

test('with the wg dir outside git and no .git below the project, no folder is asked about (only whether git runs)', () => {
  const file = manifestAt('tests/smoke/manifest.toml', ['alpha']);
  const c = counted();
  expect(compareWithBase(outsideGit(file, c.git))).toMatchObject({
    compared: false,
    note: 'grow-only check skipped: `tests/smoke/manifest.toml` is not in a git repository',
  });
  expect(c.dirs).toEqual([path.join('project', '.wg')]); // `git --version`
});

test('without git on PATH the note and an explicit base say git cannot be run', () => {
  const file = manifestAt('tests/smoke/manifest.toml', ['alpha']);
  const missing: GitRunner = () => ({ status: null, stdout: '', missing: true });
  expect(compareWithBase(outsideGit(file, missing))).toMatchObject({
    compared: false,
    note: 'grow-only check skipped: git cannot be run (it is not installed, or not on PATH)',
  });
  expect(() => compareWithBase({ ...outsideGit(file, missing), explicit: true })).toThrow(
    '`--base HEAD` was given, but git cannot be run (it is not installed, or not on PATH)',
  );
});

test('a manifest in a repository nested below a project outside git is still compared with its base', () => {
  manifestAt('tests/smoke/manifest.toml', ['alpha', 'beta']);
  commitHistory(path.join(project, 'tests'), [{ branch: 'main', message: 'base', files: snapshot(path.join(project, 'tests')) }], 'main');
  const file = manifestAt('tests/smoke/manifest.toml', ['alpha']);
  const c = counted();
  expect(compareWithBase(outsideGit(file, c.git))).toMatchObject({ compared: true, lost: ['beta'], at: 'HEAD:smoke/manifest.toml' });
  expect(c.dirs[0]).toBe(path.join('project', 'tests', 'smoke'));
  expect(c.dirs).not.toContain(path.join('project', '.wg'));
});
