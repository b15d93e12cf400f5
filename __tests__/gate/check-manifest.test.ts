// `check` and the smoke manifest: keys wg ignores are errors there (warnings on gate/done runs); ownerless scenarios warn.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest } from '../../src/gate/check-manifest.js';
import { cli, scratch } from '../support/project.js';

function project(manifest?: string) {
  const s = scratch();
  writeFileSync(join(s.wgDir, 'graph.jsonl'), '');
  if (manifest !== undefined) {
    mkdirSync(join(s.project, 'tests', 'smoke'), { recursive: true });
    writeFileSync(join(s.project, 'tests', 'smoke', 'manifest.toml'), manifest);
  }
  return s;
}

const TYPO = '[[scenario]]\nname = "a"\nscript = "a.sh"\nowner = ["t1"]\n\n[[scenario]]\nname = "b"\nscript = "b.sh"\nowners = ["t1"]\n';

test('checkManifest: an ignored key is a problem with file, line, key and did-you-mean; a scenario without owners a warning', () => {
  const s = project(TYPO);
  try {
    const r = checkManifest({ dir: s.wgDir, cwd: s.project, env: {} });
    expect(r.file).toBe(join(s.project, 'tests', 'smoke', 'manifest.toml'));
    expect(r.scenarios).toBe(2);
    expect(r.problems.map((p) => ({ ...p.toJSON() }))).toEqual([
      {
        code: 'manifest-unknown-key',
        exit: 2,
        file: 'tests/smoke/manifest.toml',
        line: 4,
        key: 'owner',
        message: '`owner` in scenario `a` is ignored; did you mean `owners`?',
      },
    ]);
    expect(r.warnings).toEqual(['scenario `a` (tests/smoke/manifest.toml:1) has no owners and never runs for a task']);
  } finally {
    s.cleanup();
  }
});

test('checkManifest: no manifest is an empty gate, not a problem; a broken manifest is its own error', () => {
  const none = project();
  const broken = project('[[scenario]]\nname = "a"\n');
  try {
    expect(checkManifest({ dir: none.wgDir, cwd: none.project, env: {} })).toEqual({ file: null, scenarios: 0, problems: [], warnings: [] });
    const r = checkManifest({ dir: broken.wgDir, cwd: broken.project, env: {} });
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([['manifest-invalid', 1]]);
  } finally {
    none.cleanup();
    broken.cleanup();
  }
});

test('wg-policy check: exit 2 naming the ignored key; the same manifest only warns on a gate run', () => {
  const s = project(TYPO);
  try {
    const r = cli(['check', '--dir', s.wgDir], { cwd: s.project, home: s.home });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wg-policy: tests/smoke/manifest.toml:4: `owner` in scenario `a` is ignored; did you mean `owners`? [manifest-unknown-key]');
    expect(r.stderr).toContain('wg-policy: warning: scenario `a` (tests/smoke/manifest.toml:1) has no owners and never runs for a task');
    expect(r.stdout).toContain('manifest: 2 scenarios in');
    expect(r.stdout).not.toContain('ok\n');
    const json = JSON.parse(cli(['check', '--dir', s.wgDir, '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(json).toMatchObject({ ok: false, manifest: { scenarios: 2, warnings: [expect.stringContaining('has no owners')] } });
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'manifest', code: 'manifest-unknown-key', line: 4, key: 'owner' })]);
    writeFileSync(join(s.wgDir, 'graph.jsonl'), '{"kind":"task","id":"t1","status":"open"}\n');
    const gate = cli(['gate', 't1', '--dir', s.wgDir], { cwd: s.project, home: s.home });
    expect(gate.code).toBe(1); // b (owned by t1) has no script: an error outcome; the typo itself only warns
    expect(gate.stderr).toContain('did you mean `owners`?');
  } finally {
    s.cleanup();
  }
});

test('wg-policy check --bundled does not look for a manifest', () => {
  const r = cli(['check', '--bundled', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).manifest).toBeUndefined();
});
