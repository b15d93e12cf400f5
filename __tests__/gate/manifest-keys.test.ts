// Keys wg ignores: reported with a did-you-mean, never changing what loads; wg's own 108-scenario manifest loads unchanged.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ignoredKeyMessage, loadManifest, loadManifestFromText } from '../../src/gate/manifest.js';
import { parseToml } from '../../src/shared/toml.js';
import { ROOT } from '../support/project.js';

const WG_MANIFEST = path.join(ROOT, '__tests__', 'fixtures', 'wg-samples', 'smoke-manifest.toml');

test('an unknown scenario key is kept aside with the key it was probably meant to be; the scenario loads as wg loads it', () => {
  const m = loadManifestFromText('[[scenario]]\nname = "a"\nscript = "a.sh"\nowner = ["t1"]\ntimout_seconds = 5\nnotes = "x"\n', 'm.toml', 'toml', '/p');
  expect(m.scenarios[0]).toMatchObject({ name: 'a', owners: [], timeoutSeconds: 180 });
  expect(m.ignored).toEqual([
    { key: 'owner', scenario: 'a', line: 4, suggestion: 'owners' },
    { key: 'timout_seconds', scenario: 'a', line: 5, suggestion: 'timeout_seconds' },
    { key: 'notes', scenario: 'a', line: 6 },
  ]);
  expect(m.ignored.map((k) => ignoredKeyMessage(k, 'm.toml'))).toEqual([
    '`owner` in scenario `a` (m.toml:4) is ignored; did you mean `owners`?',
    '`timout_seconds` in scenario `a` (m.toml:5) is ignored; did you mean `timeout_seconds`?',
    '`notes` in scenario `a` (m.toml:6) is ignored (wg ignores unknown keys)',
  ]);
});

test('a top-level typo (`[[scenarios]]`) is an empty gate as in wg, and reported', () => {
  const m = loadManifestFromText('[[scenarios]]\nname = "a"\nscript = "a.sh"\nowners = ["t1"]\n', 'm.toml', 'toml', '/p');
  expect(m.scenarios).toEqual([]);
  expect(m.ignored).toEqual([{ key: 'scenarios', scenario: null, line: 1, suggestion: 'scenario' }]);
  expect(ignoredKeyMessage(m.ignored[0], 'm.toml')).toBe('`scenarios` at the top of the manifest (m.toml:1) is ignored; did you mean `scenario`?');
});

test('YAML manifests report ignored keys the same way', () => {
  const m = loadManifestFromText('scenario:\n  - name: a\n    script: a.sh\n    owner: [t1]\n', 'm.yaml', 'yaml', '/p');
  expect(m.ignored).toEqual([{ key: 'owner', scenario: 'a', line: 4, suggestion: 'owners' }]);
});

test('timeout_seconds = 0 loads as 0 (no limit, as in wg)', () => {
  const m = loadManifestFromText('[[scenario]]\nname = "a"\nscript = "a.sh"\ntimeout_seconds = 0\n', 'm.toml', 'toml', '/p');
  expect(m.scenarios[0].timeoutSeconds).toBe(0);
});

test('wg’s own manifest: 108 scenarios, nothing ignored, every owner set exactly as wg normalizes it (trimmed, empties dropped)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wgp-wgmanifest-'));
  try {
    const copy = path.join(dir, 'manifest.toml');
    writeFileSync(copy, readFileSync(WG_MANIFEST));
    const m = loadManifest(copy);
    expect(m.scenarios).toHaveLength(108);
    expect(m.ignored).toEqual([]);
    // wg's reading, independently: the raw TOML tables, owners trimmed and blanks dropped, timeout default 180.
    const raw = (parseToml(readFileSync(WG_MANIFEST, 'utf8'), 'manifest.toml').data as { scenario: Array<Record<string, unknown>> }).scenario;
    const wg = raw.map((s) => ({
      name: s.name,
      owners: ((s.owners as string[] | undefined) ?? []).map((o) => o.trim()).filter(Boolean),
      timeoutSeconds: (s.timeout_seconds as number | undefined) ?? 180,
      script: path.join(dir, s.script as string),
    }));
    expect(m.scenarios.map(({ name, owners, timeoutSeconds, script }) => ({ name, owners, timeoutSeconds, script }))).toEqual(wg);
    expect(m.scenarios.filter((s) => s.owners.length === 0)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
