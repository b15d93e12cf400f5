// The README's "Write your first rule" walkthrough, end to end: add the rule, check, test, see it in explain.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

/** The code block that follows `<!-- walkthrough:<kind> <path> -->` in the README. */
function block(kind: string): { path: string; text: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- walkthrough:${kind} (\\S+) -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README has no walkthrough:${kind} block`);
  return { path: m[1], text: m[2] };
}

test('the walkthrough rule checks clean, its tests pass, and explain shows it deciding', () => {
  const s = scratch({
    'project/.wg/config.toml':
      '[[llm_endpoints.endpoints]]\nname = "openrouter"\nprovider = "openrouter"\nis_default = true\n\n[[llm_endpoints.endpoints]]\nname = "gpu-lab"\nprovider = "oai-compat"\nurl = "http://10.0.0.7:8000/v1"\n',
  });
  try {
    for (const b of [block('policy'), block('test')]) {
      const file = join(s.project, b.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, b.text);
    }
    writeFileSync(join(s.wgDir, 'graph.jsonl'), `${JSON.stringify({ kind: 'task', id: 'g1', title: 'train', model: 'nex:qwen3-coder', tags: ['gpu'] })}\n`);
    const run = (...args: string[]) => hostCli([...args, '--dir', s.wgDir], { home: s.home, cwd: s.project });
    const check = run('check');
    expect([check.code, check.stdout]).toEqual([0, '']);
    const test = run('test');
    expect(test.code).toBe(0);
    expect(test.stdout).toContain('2 passed, 0 failed');
    const explain = run('explain', 'g1', '--field', 'endpoint');
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/decided by endpoint\.gpu-lab \(\.wg\/policies\/gpu\.yaml:\d+, priority 95\)/);
    expect(explain.stdout).toMatch(/also matched, lost:\n\s+endpoint\.is-default/);
    const plan = JSON.parse(run('plan', 'g1', '--no-audit').stdout);
    expect(plan.endpoint).toEqual({ name: 'gpu-lab', provider: 'oai-compat', url: 'http://10.0.0.7:8000/v1' });
  } finally {
    s.cleanup();
  }
});
