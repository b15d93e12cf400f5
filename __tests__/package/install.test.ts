// The package as users get it: `npm pack`, the tarball installed into a scratch TypeScript project (offline, from the
// npm cache), an example that plans a task and reads its provenance type-checked, then run from ESM and CommonJS.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/project.js';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const root = mkdtempSync(join(tmpdir(), 'wgp-package-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

// The example a user would write: a plan, the rule and config key behind its executor, the decision log verified.
const EXAMPLE = `
import { planSpawn, PolicyError, type SpawnPlan, type ProvenanceEntry } from 'wg-policy';
import { verifyLog, type VerifyResult } from 'wg-policy/audit';

export async function example(wgDir: string, log: string): Promise<string> {
  const plan: SpawnPlan = await planSpawn({ taskId: 't1', dir: wgDir }, { decisionLog: { path: log } });
  const why: ProvenanceEntry = plan.provenance.executor;
  // @ts-expect-error the plan is typed: a number is not an executor
  const wrong: number = plan.executor;
  void wrong;
  const verified: VerifyResult = await verifyLog(log);
  let refused = '';
  try {
    await planSpawn({ taskId: 'no-such-task', dir: wgDir });
  } catch (e) {
    if (e instanceof PolicyError) refused = \`\${e.code} (exit \${e.exit})\`;
  }
  return JSON.stringify({ executor: plan.executor, rule: why.rule, policy: why.policy, from: why.sources.map((s) => \`\${s.layer} \${s.key}\`), records: verified.ok && verified.records, refused });
}
`;

describe('npm pack → npm install → tsc → node', () => {
  let tarball = '';
  const app = join(root, 'app');

  beforeAll(() => {
    // `npm pack` runs `prepare` (the build), so the tarball holds exactly what a release would.
    const out = npm(['pack', '--json', '--pack-destination', root], ROOT);
    const packed = JSON.parse(out.slice(out.search(/^\[/m))) as Array<{ filename: string }>;
    tarball = join(root, packed[0].filename);

    mkdirSync(join(app, 'project', '.wg'), { recursive: true });
    mkdirSync(join(app, 'home'));
    writeFileSync(join(app, 'project', '.wg', 'config.toml'), '[dispatcher]\nexecutor = "codex"\nmodel = "codex:gpt-5.5"\n');
    writeFileSync(join(app, 'project', '.wg', 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 't1', title: 'x', status: 'open' })}\n`);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, version: '1.0.0' }));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: 'out',
          // Node's types from this checkout (the scratch project installs nothing but the tarball).
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['example-esm.mts', 'example-cjs.cts', 'run-esm.mts', 'run-cjs.cts'],
      }),
    );
    writeFileSync(join(app, 'example-esm.mts'), EXAMPLE);
    // The same example compiled as CommonJS: `import … from 'wg-policy'` becomes require('wg-policy').
    writeFileSync(join(app, 'example-cjs.cts'), EXAMPLE);
    const runner = (mod: string) =>
      `import { example } from './${mod}';\nexample(process.argv[2], process.argv[3]).then((s) => process.stdout.write(s + '\\n'), (e) => { console.error(e); process.exit(1); });\n`;
    writeFileSync(join(app, 'run-esm.mts'), runner('example-esm.mjs'));
    writeFileSync(join(app, 'run-cjs.cts'), runner('example-cjs.cjs'));
    npm(['install', '--prefer-offline', tarball], app);
  }, 600_000);

  test('the tarball carries the bundles, declarations, policies, README and LICENSE, and nothing of the workshop', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/wg-policy.cjs',
      'dist/cli.cjs',
      'dist/index.mjs',
      'dist/index.cjs',
      'dist/audit.mjs',
      'dist/audit.cjs',
    ])
      expect(files).toContain(f);
    for (const f of [
      'dist/types/index.d.ts',
      'dist/types/audit/index.d.ts',
      'dist/types-cjs/index.d.ts',
      'dist/types-cjs/package.json',
      'dist/policies.json',
      'policies/spawn/executor.yaml',
    ])
      expect(files).toContain(f);
    expect(files.filter((f) => /^(src|__tests__|bench|scripts|smoke|examples|\.ci)\//.test(f) || f.endsWith('.v8cache'))).toEqual([]);
  });

  test('installing it brings in only what the types need (zod); the bundles need nothing else', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.'));
    expect(installed.sort()).toEqual(['wg-policy', 'zod']);
    const pkg = JSON.parse(readFileSync(join(app, 'node_modules', 'wg-policy', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['zod']);
  });

  test('the example type-checks against the declarations, as ES module and as CommonJS', () => {
    const r = spawnSync(process.execPath, [TSC, '-p', '.'], { cwd: app, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    // (The declarations are real types, not any: the example's @ts-expect-error would otherwise be unused, TS2578.)
  });

  test('it runs from ESM and from CommonJS (also where Node cannot require() an ES module) with the same answer', () => {
    const runs = [['out/run-esm.mjs'], ['out/run-cjs.cjs'], ['--no-experimental-require-module', 'out/run-cjs.cjs']].map((args, i) => {
      const log = join(app, `policy-audit-${i}.jsonl`);
      const r = spawnSync(process.execPath, [...args, join(app, 'project', '.wg'), log], {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: join(app, 'home') },
      });
      expect([args.join(' '), r.stderr, r.status]).toEqual([args.join(' '), '', 0]);
      return JSON.parse(r.stdout);
    });
    expect(runs[0]).toEqual({
      executor: 'codex',
      rule: 'executor.local-dispatcher',
      policy: expect.stringMatching(/^policies\/spawn\/executor\.yaml:\d+$/),
      from: ['local dispatcher.executor'],
      records: 1,
      refused: 'task-not-found (exit 2)',
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  test('the installed bin plans the same task', () => {
    const r = spawnSync(join(app, 'node_modules', '.bin', 'wg-policy'), ['plan', 't1', '--dir', join(app, 'project', '.wg'), '--no-audit', '-q'], {
      cwd: app,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: join(app, 'home') },
    });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(JSON.parse(r.stdout)).toMatchObject({ task: 't1', executor: 'codex', provenance: { executor: { rule: 'executor.local-dispatcher' } } });
  });
});
