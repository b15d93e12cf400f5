// Smoke manifest loading (TOML and YAML), its errors, ownership, and where the manifest is found.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PolicyError, type ErrorCode } from '../../src/shared/errors.js';
import {
  DEFAULT_TIMEOUT_SECONDS,
  loadManifest,
  loadManifestFromText,
  manifestCandidates,
  resolveManifestPath,
  scenariosOwnedBy,
  type Manifest,
} from '../../src/gate/manifest.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wgp-manifest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}

/** The error a call throws, asserted to be a PolicyError with this code (exit 2); its message is one line. */
function badInputOf(fn: () => unknown, code: ErrorCode): PolicyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).code).toBe(code);
    expect((e as PolicyError).exit).toBe(2);
    expect((e as PolicyError).message).not.toContain('\n');
    return e as PolicyError;
  }
  throw new Error('expected bad input, nothing was thrown');
}

const TOML = `# smoke scenarios
[[scenario]]
name = "alpha"
script = "scenarios/alpha.sh"
owners = [" task-a ", "", "smoke-gate-is", "   "]
description = "first"
timeout_seconds = 30
future_key = "wg ignores this"

[[scenario]]
name = "beta"
script = "/abs/beta.sh"

[scenario.requires]
commands = ["wg"]
env = ["WG_X"]
urls = ["http://127.0.0.1:9/health"]
`;

const YAML = `# smoke scenarios
scenario:
  - name: alpha
    script: scenarios/alpha.sh
    owners: [" task-a ", "", smoke-gate-is, "   "]
    description: first
    timeout_seconds: 30
    future_key: wg ignores this
  - name: beta
    script: /abs/beta.sh
    requires:
      commands: [wg]
      env: [WG_X]
      urls: ["http://127.0.0.1:9/health"]
`;

const withoutLines = (m: Manifest) => m.scenarios.map(({ line: _line, ...s }) => s);

describe('loading', () => {
  test('TOML and YAML manifests load identically', () => {
    const fromToml = loadManifest(write('smoke/manifest.toml', TOML));
    const fromYaml = loadManifest(write('smoke/manifest.yaml', YAML));
    expect(withoutLines(fromYaml)).toEqual(withoutLines(fromToml));
    expect(fromToml.dir).toBe(path.join(dir, 'smoke'));
    expect(fromToml.scenarios.map((s) => s.line)).toEqual([2, 10]);
    expect(fromYaml.scenarios.map((s) => s.line)).toEqual([3, 9]);
  });

  test('scripts resolve against the manifest folder, absolute scripts stay as written', () => {
    const m = loadManifest(write('smoke/manifest.toml', TOML));
    expect(m.scenarios[0].script).toBe(path.join(dir, 'smoke', 'scenarios', 'alpha.sh'));
    expect(m.scenarios[1].script).toBe('/abs/beta.sh');
  });

  test('timeout defaults to 180 seconds', () => {
    const m = loadManifest(write('m.toml', TOML));
    expect(DEFAULT_TIMEOUT_SECONDS).toBe(180);
    expect(m.scenarios.map((s) => s.timeoutSeconds)).toEqual([30, 180]);
  });

  test('owners are trimmed and empty owners dropped', () => {
    const m = loadManifest(write('m.toml', TOML));
    expect(m.scenarios[0].owners).toEqual(['task-a', 'smoke-gate-is']);
    expect(m.scenarios[1].owners).toEqual([]);
  });

  test('requires are normalized to three lists', () => {
    const m = loadManifest(write('m.toml', TOML));
    expect(m.scenarios[0].requires).toEqual({ commands: [], env: [], urls: [] });
    expect(m.scenarios[1].requires).toEqual({ commands: ['wg'], env: ['WG_X'], urls: ['http://127.0.0.1:9/health'] });
  });

  test('an empty manifest is an empty gate', () => {
    expect(loadManifest(write('m.toml', '# nothing yet\n')).scenarios).toEqual([]);
    expect(loadManifest(write('m.yaml', '')).scenarios).toEqual([]);
  });

  test('loadManifestFromText loads text from a git revision, anchored to a given folder', () => {
    const m = loadManifestFromText(TOML, 'HEAD~1:tests/smoke/manifest.toml', 'toml', '/repo/tests/smoke');
    expect(m.file).toBe('HEAD~1:tests/smoke/manifest.toml');
    expect(m.scenarios.map((s) => s.name)).toEqual(['alpha', 'beta']);
    expect(m.scenarios[0].script).toBe('/repo/tests/smoke/scenarios/alpha.sh');
  });

  test('scenariosOwnedBy keeps manifest order and matches trimmed owners', () => {
    const m = loadManifest(write('m.toml', `${TOML}\n[[scenario]]\nname = "gamma"\nscript = "g.sh"\nowners = ["task-a"]\n`));
    expect(scenariosOwnedBy(m, 'task-a').map((s) => s.name)).toEqual(['alpha', 'gamma']);
    expect(scenariosOwnedBy(m, ' task-a ')).toEqual([]);
    expect(scenariosOwnedBy(m, 'nobody')).toEqual([]);
  });
});

describe('errors name the file and the line', () => {
  test('duplicate name (TOML)', () => {
    const file = write(
      'm.toml',
      '[[scenario]]\nname = "a"\nscript = "a.sh"\n\n[[scenario]]\nname = "b"\nscript = "b.sh"\n\n[[scenario]]\nname = "a"\nscript = "c.sh"\n',
    );
    const e = badInputOf(() => loadManifest(file), 'duplicate-scenario');
    expect(e.format()).toBe(`${file}:9: duplicate scenario name \`a\` (first defined at line 1)`);
    expect(e).toMatchObject({ file, line: 9, key: 'a' });
  });

  test('duplicate name (YAML)', () => {
    const file = write('m.yaml', 'scenario:\n  - name: a\n    script: a.sh\n  - name: a\n    script: b.sh\n');
    const e = badInputOf(() => loadManifest(file), 'duplicate-scenario');
    expect(e.format()).toBe(`${file}:4: duplicate scenario name \`a\` (first defined at line 2)`);
  });

  test('TOML syntax error', () => {
    const file = write('m.toml', '[[scenario]]\nname = "a"\nscript = \n');
    const e = badInputOf(() => loadManifest(file), 'toml-syntax');
    expect(e.format()).toMatch(new RegExp(`^${file}:3:\\d+: invalid TOML: `));
    expect(e.message).not.toContain('\n');
    expect(e.line).toBe(3);
  });

  test('YAML syntax error', () => {
    const file = write('m.yaml', 'scenario:\n  - name: a\n    script: "a.sh\n');
    const e = badInputOf(() => loadManifest(file), 'yaml-syntax');
    expect(e.format()).toMatch(new RegExp(`^${file}:\\d+:\\d+: invalid YAML: `));
    expect(e.message).not.toContain('\n');
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  test('missing script points at the scenario', () => {
    const file = write('m.toml', '[[scenario]]\nname = "a"\nscript = "a.sh"\n\n[[scenario]]\nname = "b"\ndescription = "no script"\n');
    const e = badInputOf(() => loadManifest(file), 'manifest-invalid');
    expect(e.format()).toBe(`${file}:5: scenario \`b\`: \`script\` is required`);
  });

  test('missing name points at the scenario', () => {
    const file = write('m.yaml', 'scenario:\n  - name: a\n    script: a.sh\n  - script: b.sh\n');
    const e = badInputOf(() => loadManifest(file), 'manifest-invalid');
    expect(e.format()).toBe(`${file}:4: scenario #2: \`name\` is required`);
  });

  test('wrong types point at the offending key', () => {
    const toml = write('m.toml', '[[scenario]]\nname = "a"\nscript = "a.sh"\nowners = ["x", 3]\n');
    expect(badInputOf(() => loadManifest(toml), 'manifest-invalid').format()).toBe(`${toml}:4: scenario \`a\`: \`owners[1]\` must be a string, not number 3`);
    const neg = write('n.toml', '[[scenario]]\nname = "a"\nscript = "a.sh"\n\ntimeout_seconds = -1\n');
    expect(badInputOf(() => loadManifest(neg), 'manifest-invalid').format()).toBe(
      `${neg}:5: scenario \`a\`: \`timeout_seconds\` must be a whole number of seconds (0 for no limit), not number -1`,
    );
    const yaml = write('m.yaml', 'scenario:\n  - name: a\n    script: a.sh\n    timeout_seconds: "30"\n');
    expect(badInputOf(() => loadManifest(yaml), 'manifest-invalid').format()).toBe(
      `${yaml}:4: scenario \`a\`: \`timeout_seconds\` must be a whole number of seconds (0 for no limit), not the string "30"`,
    );
    const table = write('t.yaml', 'scenario:\n  - name: a\n    script: a.sh\n  - 3\n');
    expect(badInputOf(() => loadManifest(table), 'manifest-invalid').format()).toBe(`${table}:4: scenario #2 must be a table, not number 3`);
  });

  test('requires is checked strictly', () => {
    const typo = write('m.toml', '[[scenario]]\nname = "a"\nscript = "a.sh"\nrequires = { comands = ["wg"] }\n');
    expect(badInputOf(() => loadManifest(typo), 'manifest-invalid').format()).toBe(`${typo}:4: scenario \`a\`: \`requires\` has unknown key \`comands\``);
    const url = write('u.yaml', 'scenario:\n  - name: a\n    script: a.sh\n    requires:\n      urls: [ftp://x]\n');
    expect(badInputOf(() => loadManifest(url), 'manifest-invalid').format()).toBe(`${url}:5: scenario \`a\`: \`requires.urls[0]\` must be an http(s) URL`);
  });

  test('a scenario list of the wrong shape, and an unreadable file', () => {
    const file = write('m.toml', 'scenario = "nope"\n');
    expect(badInputOf(() => loadManifest(file), 'manifest-invalid').format()).toBe(`${file}:1: \`scenario\` must be a list, not the string "nope"`);
    const missing = path.join(dir, 'absent.toml');
    expect(badInputOf(() => loadManifest(missing), 'file-unreadable').format()).toBe(`${missing}: cannot read smoke manifest \`${missing}\`: does not exist`);
  });
});

describe('resolveManifestPath', () => {
  const noGit = () => ({ status: 128, stdout: '' });
  const gitAt = (top: string) => () => ({ status: 0, stdout: `${top}\n` });

  test('follows the documented order, most specific first', () => {
    const project = path.join(dir, 'repo');
    const wgDir = path.join(project, '.wg');
    const gitTop = path.join(dir, 'top');
    mkdirSync(wgDir, { recursive: true });
    const opts = { env: {}, wgDir, projectRoot: project, git: gitAt(gitTop) };
    const steps: Array<[string, string]> = [
      ['repo/smoke/manifest.yaml', '<project>/smoke/manifest.yaml'],
      ['repo/smoke/manifest.toml', '<project>/smoke/manifest.toml'],
      ['top/tests/smoke/manifest.toml', '<git toplevel>/tests/smoke/manifest.toml'],
      ['repo/tests/smoke/manifest.toml', '<wgdir>/../tests/smoke/manifest.toml'],
      ['repo/.wg/tests/smoke/manifest.toml', '<wgdir>/tests/smoke/manifest.toml'],
    ];
    expect(resolveManifestPath(opts)).toEqual({ path: null, how: 'no smoke manifest found (empty gate)' });
    for (const [rel, how] of steps) {
      const p = write(rel, '');
      expect(resolveManifestPath(opts)).toEqual({ path: p, how });
    }
    const fromEnv = write('repo/.wg/custom/m.toml', '');
    expect(resolveManifestPath({ ...opts, env: { WG_SMOKE_MANIFEST: 'custom/m.toml' } })).toEqual({ path: fromEnv, how: '$WG_SMOKE_MANIFEST' });
    const fromFlag = write('elsewhere/m.yaml', '');
    expect(resolveManifestPath({ ...opts, env: { WG_SMOKE_MANIFEST: 'custom/m.toml' }, flag: 'elsewhere/m.yaml', cwd: dir })).toEqual({
      path: fromFlag,
      how: '--manifest',
    });
  });

  test('an explicit path that does not exist is bad input, not an empty gate', () => {
    const base = { wgDir: dir, projectRoot: dir, git: noGit };
    const flag = badInputOf(() => resolveManifestPath({ ...base, env: {}, flag: 'missing.toml', cwd: dir }), 'manifest-not-found');
    expect(flag.message).toBe(`the smoke manifest \`missing.toml\` given by --manifest does not exist (looked at \`${path.join(dir, 'missing.toml')}\`)`);
    const env = badInputOf(() => resolveManifestPath({ ...base, env: { WG_SMOKE_MANIFEST: 'gone.toml' } }), 'manifest-not-found');
    expect(env.message).toMatch(/given by \$WG_SMOKE_MANIFEST does not exist/);
    expect(() => resolveManifestPath({ ...base, env: { WG_SMOKE_MANIFEST: '' } })).not.toThrow();
  });

  test('manifestCandidates lists every path the search may look at, in its order, whether it exists or not', () => {
    const project = path.join(dir, 'repo');
    const wgDir = path.join(project, '.wg');
    const opts = { env: { WG_SMOKE_MANIFEST: 'custom/m.toml' }, wgDir, projectRoot: project, git: gitAt(project), flag: 'm.yaml', cwd: dir };
    expect(manifestCandidates(opts)).toEqual([
      path.join(dir, 'm.yaml'),
      path.join(wgDir, 'custom', 'm.toml'),
      path.join(wgDir, 'tests', 'smoke', 'manifest.toml'),
      path.join(project, 'tests', 'smoke', 'manifest.toml'),
      path.join(project, 'smoke', 'manifest.toml'),
      path.join(project, 'smoke', 'manifest.yaml'),
    ]);
    expect(manifestCandidates({ ...opts, env: {}, flag: undefined, git: noGit })).toHaveLength(4);
  });

  test('a failing git lookup is ignored', () => {
    const wgDir = path.join(dir, 'plain', '.wg');
    mkdirSync(wgDir, { recursive: true });
    expect(resolveManifestPath({ env: {}, wgDir, projectRoot: path.join(dir, 'plain'), git: noGit }).path).toBeNull();
  });
});
