// `check` and the smoke manifest: keys wg ignores are errors there (warnings on gate/done runs); ownerless scenarios warn.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifest } from '../../src/gate/check-manifest.js';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

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
    expect(r.warnings.map((w) => w.format())).toEqual(['tests/smoke/manifest.toml:1: scenario `a` has no owners and never runs for a task']);
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

test('wg-policy check: exit 1 naming the ignored key as an error finding; the same manifest only warns on a gate run', () => {
  const s = project(TYPO);
  try {
    const r = hostCli(['check', '--dir', s.wgDir], { cwd: s.project, home: s.home });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('tests/smoke/manifest.toml:4: error manifest-unknown-key: `owner` in scenario `a` is ignored; did you mean `owners`?');
    expect(r.stdout).toContain('tests/smoke/manifest.toml:1: warning manifest-no-owners: scenario `a` has no owners and never runs for a task');
    const json = JSON.parse(hostCli(['check', '--dir', s.wgDir, '--json'], { cwd: s.project, home: s.home }).stdout);
    expect(json.ok).toBe(false);
    expect(json.findings).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'manifest-no-owners', file: 'tests/smoke/manifest.toml', line: 1 }),
      expect.objectContaining({ severity: 'error', code: 'manifest-unknown-key', file: 'tests/smoke/manifest.toml', line: 4, key: 'owner' }),
    ]);
    writeFileSync(join(s.wgDir, 'graph.jsonl'), '{"kind":"task","id":"t1","title":"t","status":"open"}\n');
    const gate = hostCli(['gate', 't1', '--dir', s.wgDir], { cwd: s.project, home: s.home });
    expect(gate.code).toBe(1); // b (owned by t1) has no script: an error outcome; the typo itself only warns
    expect(gate.stderr).toContain('did you mean `owners`?');
  } finally {
    s.cleanup();
  }
});

test('wg-policy check --bundled does not look for a manifest', () => {
  const r = hostCli(['check', '--bundled', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).manifest).toBeUndefined();
});
