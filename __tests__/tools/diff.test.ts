// Impact analysis replays this project's founding incident: a local executor pin removed while the global config routes
// to native with an openrouter endpoint marked is_default.
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchProject } from '../../bench/graph.mjs';
import { diffPlans } from '../../src/tools/diff.js';
import { cli, scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

const PINNED = '[dispatcher]\nexecutor = "claude"\n\n[llm_endpoints]\ninherit_global = true\n';
const GLOBAL =
  '[dispatcher]\nexecutor = "native"\n\n[[llm_endpoints.endpoints]]\nname = "openrouter"\nprovider = "openrouter"\nis_default = true\napi_key = "sk-or-CANARY-123456"\n';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'pipe' });

/** A project whose committed config pins claude; `edit` is the working-tree config. */
function incident(edit: string) {
  const s = scratch({ 'project/.wg/config.toml': PINNED, 'home/.wg/config.toml': GLOBAL });
  const tasks = [
    { id: 'a', title: 'a' },
    { id: 'b', title: 'b', status: 'in-progress' },
    { id: 'c', title: 'c' },
    { id: 'sh', title: 'shell', exec: 'make test' },
  ];
  writeFileSync(join(s.wgDir, 'graph.jsonl'), tasks.map((t) => JSON.stringify({ kind: 'task', status: 'open', ...t })).join('\n') + '\n');
  git(s.project, 'init', '-q');
  git(s.project, 'add', '-A');
  git(s.project, 'commit', '-q', '-m', 'pinned');
  writeFileSync(join(s.wgDir, 'config.toml'), edit);
  return s;
}

test('removing the pin shows every affected task with the rule and source behind each change', async () => {
  const s = incident('[llm_endpoints]\ninherit_global = true\n');
  try {
    const r = await diffPlans({ dir: s.wgDir, home: s.home, env: {} });
    expect(r.tasks).toBe(4);
    expect(r.groups.map((g) => g.tasks)).toEqual([['a', 'b', 'c']]); // the shell task is unaffected
    const summary = r.groups[0].summary;
    expect(summary).toContain(
      'executor claude → native (executor.local-dispatcher → executor.global-dispatcher ← global ~/.wg/config.toml dispatcher.executor)',
    );
    expect(summary).toContain(
      'endpoint none → openrouter (endpoint.none-for-claude → endpoint.is-default ← global ~/.wg/config.toml llm_endpoints.endpoints[0]',
    );
    expect(r.changed[0].before).toMatchObject({ executor: 'claude', endpoint: null });
    expect(r.changed[0].after).toMatchObject({ executor: 'native', endpoint: 'openrouter' });
    expect(JSON.stringify(r)).not.toContain('CANARY');

    const c = hostCli(['diff', '--dir', s.wgDir], { home: s.home, cwd: s.project });
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/^3 tasks: executor claude → native/);
    expect(c.stderr).toContain('3 of 4 tasks change against HEAD');
    const lines = hostCli(['diff', '--dir', s.wgDir, '--json', '--status', 'open'], { home: s.home, cwd: s.project }).stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).task)).toEqual(['a', 'c']);
    expect(JSON.parse(lines[0]).after.rules.executor).toBe('executor.global-dispatcher');
    // --status takes a list, as plan --all does; a status wg does not have is a usage error naming wg's.
    const both = hostCli(['diff', '--dir', s.wgDir, '--json', '--status', 'open,in-progress'], { home: s.home, cwd: s.project });
    expect(
      both.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).task),
    ).toEqual(['a', 'b', 'c']);
    const bad = hostCli(['diff', '--dir', s.wgDir, '--status', 'opne'], { home: s.home, cwd: s.project });
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/unknown status `opne` given by --status \(wg's statuses: `open`, .*`in-progress`.*\); did you mean `open`\?/);
  } finally {
    s.cleanup();
  }
});

test('the same change with the pin kept reports nothing (exit 0)', async () => {
  const s = incident(`${PINNED}# a comment\n`);
  try {
    expect((await diffPlans({ dir: s.wgDir, home: s.home, env: {} })).changed).toEqual([]);
    const c = hostCli(['diff', '--dir', s.wgDir], { home: s.home, cwd: s.project });
    expect(c.code).toBe(0);
    expect(c.stdout).toBe('');
    expect(c.stderr).toContain('0 of 4 tasks change');
  } finally {
    s.cleanup();
  }
});

test('a changed global config is compared with --base-global; a task that becomes refused is reported', async () => {
  const s = incident(PINNED);
  try {
    const old = join(s.root, 'old-global.toml');
    writeFileSync(old, '');
    writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 'n', title: 'n', model: 'nex:qwen3', executor: 'native' })}\n`);
    const r = await diffPlans({ dir: s.wgDir, home: s.home, env: {}, baseGlobal: old });
    // Before: no endpoint anywhere → refused; now the global openrouter endpoint is inherited.
    expect(r.changed.map((c) => [c.task, c.summary])).toEqual([['n', 'refused (endpoint.none-configured) → planned']]);
  } finally {
    s.cleanup();
  }
});

test('an unchanged project that reads every kind of input (agency, registry, model cache, profile, native tasks) diffs to nothing', async () => {
  const b = benchProject(300);
  try {
    const project = join(b.wgDir, '..');
    git(project, 'init', '-q');
    git(project, 'add', '-A');
    git(project, 'commit', '-q', '-m', 'all of it');
    // Native tasks showed it first (their --prompt-file path): the mix must hold some.
    expect(b.tasks.some((t) => t.executor === 'native' || String(t.model ?? '').startsWith('nex:'))).toBe(true);
    const r = await diffPlans({ dir: b.wgDir, home: b.home, env: {} });
    expect(r.tasks).toBe(300);
    expect(r.changed).toEqual([]);
    // The same through a symlinked folder: plans name the real path, the base's paths are moved to it too.
    symlinkSync(project, join(b.root, 'linked'));
    expect((await diffPlans({ dir: join(b.root, 'linked', '.wg'), home: b.home, env: {} })).changed).toEqual([]);
  } finally {
    b.cleanup();
  }
});

test('outside git, diff says what it compares with (the default base was not given) and that there is none', () => {
  const s = scratch({ 'project/.wg/config.toml': PINNED });
  try {
    writeFileSync(join(s.wgDir, 'graph.jsonl'), '');
    const c = hostCli(['diff', '--dir', s.wgDir], { home: s.home, cwd: s.project });
    expect([c.code, c.stdout]).toEqual([2, '']);
    expect(c.stderr).toContain(
      'wg-policy: diff compares with the config and policies committed at HEAD, but the wg directory is not in a git repository [git-base]',
    );
    const given = hostCli(['diff', '--dir', s.wgDir, '--base', 'HEAD'], { home: s.home, cwd: s.project });
    expect(given.stderr).toContain('`--base HEAD` was given, but the wg directory is not in a git repository [git-base]');
    // With no git on PATH (a real process: the runner reads the process's own PATH), the sentence says so instead.
    const noGit = cli(['diff', '--dir', s.wgDir], { home: s.home, cwd: s.project, env: { PATH: s.root } });
    expect(noGit.stderr).toContain(
      'diff compares with the config and policies committed at HEAD, but git cannot be run (it is not installed, or not on PATH) [git-base]',
    );
    expect(noGit.stderr).toContain('help: install git, or compare recorded decisions instead');
    git(s.project, 'init', '-q'); // a repository without a commit
    const noCommit = hostCli(['diff', '--dir', s.wgDir], { home: s.home, cwd: s.project });
    expect(noCommit.stderr).toContain(
      'diff compares with the config and policies committed at HEAD, but HEAD names no commit in the git repository of the wg directory [git-base]',
    );
  } finally {
    s.cleanup();
  }
});

test('a base that is not a commit is bad input (exit 2)', () => {
  const s = incident(PINNED);
  try {
    const c = hostCli(['diff', '--dir', s.wgDir, '--base', 'no-such-rev'], { home: s.home, cwd: s.project });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('[git-base]');
  } finally {
    s.cleanup();
  }
});
