// The README's "Wiring into wg" wrapper, run as written: it launches what the plan says and maps the exit codes.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, scratch } from '../support/project.js';

/** The first bash block of the README's "Wiring into wg" section. */
function wrapperFromReadme(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Wiring into wg'));
  const m = /```bash\n([\s\S]*?)```/.exec(section.slice(0, section.indexOf('\n## ', 1)));
  if (!m) throw new Error('no bash block in the README section "Wiring into wg"');
  return m[1];
}

const s = scratch({
  'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\nmodel = "claude:opus"\n',
  'project/.wg/graph.jsonl': [
    { kind: 'task', id: 't1', title: 'fix it', status: 'open' },
    { kind: 'task', id: 't3', title: 'foreign model', status: 'open', model: 'nex:qwen3' },
  ]
    .map((t) => JSON.stringify(t))
    .join('\n'),
  'prompt.txt': 'Do the task.\n',
  // A stand-in for the claude CLI: what it was started with, part of its environment, and its stdin.
  'bin/claude': '#!/usr/bin/env bash\nprintf "argv:%s\\n" "$*"\necho "env:$WG_TASK_ID $WG_EXECUTOR_TYPE $WG_MODEL"\necho "stdin:$(cat)"\n',
});
afterAll(() => s.cleanup());
chmodSync(join(s.root, 'bin', 'claude'), 0o755);
symlinkSync(BIN, join(s.root, 'bin', 'wg-policy'));
const wrapper = join(s.root, 'spawn-with-policy');
writeFileSync(wrapper, wrapperFromReadme());
mkdirSync(join(s.project, 'work'));

const spawnWith = (task: string) =>
  spawnSync('bash', [wrapper, task, join(s.root, 'prompt.txt')], {
    cwd: join(s.project, 'work'),
    encoding: 'utf8',
    env: { PATH: `${join(s.root, 'bin')}:${process.env.PATH}`, HOME: s.home, TMPDIR: tmpdir(), NO_COLOR: '1', WG_DIR: s.wgDir },
  });

test('exit 0: the planned command runs with the planned env, the prompt on stdin', () => {
  const r = spawnWith('t1');
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout.split('\n')).toEqual([
    expect.stringMatching(/^argv:--print --verbose --permission-mode bypassPermissions .* --model opus$/),
    'env:t1 claude opus',
    'stdin:Do the task.',
    '',
  ]);
  // The decision was recorded before anything ran.
  expect(readFileSync(join(s.wgDir, 'policy-audit.jsonl'), 'utf8')).toContain('"task":"t1"');
});

test('exit 1 when a policy rule refuses, 2 for bad input: nothing is launched', () => {
  const refused = spawnWith('t3');
  expect([refused.status, refused.stdout]).toEqual([1, '']);
  expect(refused.stderr).toContain('[rule-rejected]');
  const missing = spawnWith('no-such-task');
  expect([missing.status, missing.stdout]).toEqual([2, '']);
  expect(missing.stderr).toContain('[task-not-found]');
});
