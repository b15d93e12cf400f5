// The decision record of a gate: the policy files and manifest blob it used, overrides, weakening, and the transition rule.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decideGate } from '../../src/gate/decide.js';
import type { Verdict } from '../../src/gate/verdict.js';
import { cli, scratch } from '../support/project.js';

function project() {
  const s = scratch();
  writeFileSync(
    join(s.wgDir, 'graph.jsonl'),
    '{"kind":"task","id":"t1","title":"x","status":"in-progress"}\n{"kind":"task","id":".evaluate-t1","title":"e","status":"open"}\n',
  );
  mkdirSync(join(s.wgDir, 'policies'));
  writeFileSync(join(s.wgDir, 'policies', 'quiet.yaml'), 'disable: [done.skipped-scenarios]\n');
  mkdirSync(join(s.project, 'tests', 'smoke'), { recursive: true });
  const manifest = join(s.project, 'tests', 'smoke', 'manifest.toml');
  writeFileSync(manifest, '[[scenario]]\nname = "a"\nscript = "a.sh"\nowners = ["t1"]\n');
  writeFileSync(join(s.project, 'tests', 'smoke', 'a.sh'), 'exit 0\n');
  return { ...s, manifest };
}

test('the record names every policy file with its sha256, the manifest blob, the override with its file, and the transition rule', async () => {
  const p = project();
  try {
    const { verdict, decision } = await decideGate({ taskId: 't1', dir: p.wgDir, cwd: p.project, env: { PATH: process.env.PATH, HOME: p.home } });
    const blob = execFileSync('git', ['hash-object', p.manifest], { encoding: 'utf8' }).trim();
    const result = decision.result as Verdict;
    expect(result).toBe(verdict);
    expect(result.manifest.blob).toBe(blob);
    expect(result.policyFiles.map((f) => [f.file, f.origin])).toEqual([
      ['policies/gate/done.yaml', 'bundled'],
      ['policies/gate/transition.yaml', 'bundled'],
      ['.wg/policies/quiet.yaml', 'project'],
    ]);
    for (const f of result.policyFiles) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.overrides).toEqual({ disabled: [{ id: 'done.skipped-scenarios', by: '.wg/policies/quiet.yaml:1' }], replaced: [] });
    expect(result.weakening).toMatchObject({ compared: false, count: 1, findings: [{ kind: 'rule-disabled', by: '.wg/policies/quiet.yaml:1' }] });
    expect(result.transition).toMatchObject({ status: 'pending-eval', rule: 'transition.pending-eval' });
    expect(decision.rules).toEqual([
      { field: 'allow', rule: 'done.scenarios-passed', policy: expect.stringMatching(/^policies\/gate\/done\.yaml:\d+$/) },
      { field: 'warn', rule: 'done.weakened-gate-warning', policy: expect.stringMatching(/^policies\/gate\/done\.yaml:\d+$/) },
      { field: 'transition', rule: 'transition.pending-eval', policy: expect.stringMatching(/^policies\/gate\/transition\.yaml:\d+$/) },
    ]);
    // The explanation covers both stages; the inputs name the graph for the evaluation fact.
    const stages = (decision.explanation as { stages: Array<{ stage: string }> }).stages.map((s) => s.stage);
    expect(stages).toEqual(['transition', 'done']);
    expect(decision.inputs).toContainEqual({ layer: 'task', file: '.wg/graph.jsonl', key: 'evaluation.open', value: true });
  } finally {
    p.cleanup();
  }
});

test('the decision log line written by `done` holds the same (the record is written before the graph changes)', () => {
  const p = project();
  try {
    const r = cli(['done', 't1', '--dir', p.wgDir], { cwd: p.project, home: p.home });
    expect(r.code).toBe(0);
    const rec = JSON.parse(readFileSync(join(p.wgDir, 'policy-audit.jsonl'), 'utf8').trim().split('\n').pop()!);
    expect(rec.result.manifest.blob).toMatch(/^[0-9a-f]{40}$/);
    expect(rec.result.overrides.disabled).toEqual([{ id: 'done.skipped-scenarios', by: '.wg/policies/quiet.yaml:1' }]);
    expect(rec.rules.map((x: { rule: string }) => x.rule)).toContain('transition.pending-eval');
  } finally {
    p.cleanup();
  }
});
