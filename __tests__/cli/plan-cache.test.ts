// `plan` gives the same bytes with every cache and without any (WG_POLICY_NO_CACHE=1: no code cache, no precompiled
// policies, no per-process input caches, json-rules-engine instead of the compiled rules), cold and warm. The cached
// side runs bin/wg-policy.cjs (the code cache is bin's); the uncached side runs in a CLI host started with
// WG_POLICY_NO_CACHE=1, which has none.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { benchProject } from '../../bench/graph.mjs';
import { planSpawn } from '../../src/spawn/plan.js';
import { cli, ROOT } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

let bench: ReturnType<typeof benchProject>;
beforeAll(() => {
  bench = benchProject(60);
});
afterAll(() => bench.cleanup());

const NO_CACHE = { WG_POLICY_NO_CACHE: '1' };
const demo = join(ROOT, 'examples', 'demo');

describe('byte-identical with and without caches', () => {
  test('the demo tasks: plan (and its provenance line and exit code), cached and uncached', () => {
    for (const task of ['fix-login', 'summarize-logs', 'run-migrations', 'try-qwen']) {
      const args = ['plan', task, '--dir', demo, '--no-audit'];
      const home = join(demo, 'home');
      const [cached, uncached] = [cli(args, { home }), hostCli(args, { home, env: NO_CACHE })];
      expect([task, uncached.code, uncached.stdout, uncached.stderr]).toEqual([task, cached.code, cached.stdout, cached.stderr]);
    }
  });

  test('plan --all over a generated graph, cached and uncached', () => {
    const args = ['plan', '--all', '--dir', bench.wgDir];
    const [cached, uncached] = [cli(args, { home: bench.home }), hostCli(args, { home: bench.home, env: NO_CACHE })];
    expect(cached.stdout.split('\n').length).toBe(61);
    expect(uncached.stdout).toBe(cached.stdout);
    expect(uncached.code).toBe(cached.code);
  });

  test('in process: the first plan, the warm plans, and plans after a file is rewritten unchanged are the same bytes', async () => {
    const req = { dir: bench.wgDir, home: bench.home, env: {} };
    const ids = bench.tasks.slice(0, 20).map((t) => t.id);
    const bytes = async () =>
      Promise.all(ids.map((id) => planSpawn({ ...req, taskId: id }, { warn: () => {} }).then(JSON.stringify, (e) => `error ${e.code}`)));
    const first = await bytes();
    expect(await bytes()).toEqual(first);
    const config = join(bench.wgDir, 'config.toml');
    writeFileSync(config, readFileSync(config, 'utf8'));
    expect(await bytes()).toEqual(first);
  });
});
