// audit replay: logged spawn decisions decided again from their recorded facts under the policies in effect now.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratch } from '../support/project.js';
import { hostCli } from '../support/cli-host.js';

function project() {
  const s = scratch({ 'project/.wg/config.toml': '[dispatcher]\nexecutor = "claude"\n' });
  const tasks = [
    { id: 't1', title: 'a' },
    { id: 't2', title: 'b', model: 'claude:haiku' },
    { id: 't3', title: 'c', exec: 'make' },
  ];
  writeFileSync(join(s.wgDir, 'graph.jsonl'), tasks.map((t) => JSON.stringify({ kind: 'task', ...t })).join('\n') + '\n');
  const run = (...args: string[]) => hostCli([...args, '--dir', s.wgDir], { home: s.home, cwd: s.project });
  for (const t of ['t1', 't2', 't3']) expect(run('plan', t).code).toBe(0);
  return { ...s, run };
}

test('an unchanged policy set replays every logged decision the same (exit 0)', () => {
  const p = project();
  try {
    const r = p.run('audit', 'replay');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^0 of 3 replayed decisions would differ under policy revision sha256:[0-9a-f]{16}\n$/);
  } finally {
    p.cleanup();
  }
});

test('a policy change shows the logged decisions it would change, and only those (exit 1)', () => {
  const p = project();
  try {
    mkdirSync(join(p.wgDir, 'policies'));
    writeFileSync(
      join(p.wgDir, 'policies', 'haiku.yaml'),
      'field: model\nrules:\n  - id: model.haiku-to-sonnet\n    description: haiku is retired here\n    priority: 150\n    when: { all: [ { fact: task, path: model, operator: equal, value: "claude:haiku" } ] }\n    then: { value: "claude:sonnet" }\n',
    );
    const r = p.run('audit', 'replay');
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^[0-9A-Z]{26} {2}\S+ {2}t2 {2}model "claude:haiku" → "claude:sonnet", modelId "haiku" → "sonnet", env .*argv .*, model rule model.task → model.haiku-to-sonnet$/,
      ),
    ]);
    const json = JSON.parse(p.run('audit', 'replay', '--json').stdout);
    expect(json).toMatchObject({
      task: 't2',
      fields: ['model', 'modelId', 'env', 'argv'],
      rules: ['model'],
      then: { rules: { model: 'model.task' } },
      now: { rules: { model: 'model.haiku-to-sonnet' } },
    });
    expect(p.run('audit', 'replay', '--task', 't1').code).toBe(0);
    // Replay records nothing: the log still holds the three plans.
    expect(p.run('audit', 'list', '--json').stdout.trim().split('\n')).toHaveLength(3);
  } finally {
    p.cleanup();
  }
});

test('a logged decision whose facts are damaged is reported as such, never replayed into a refusal a rule is blamed for', async () => {
  const { replayDecisions } = await import('../../src/tools/replay.js');
  const { syntheticBody, tempDir, writeSyntheticLog } = await import('../audit/helpers.js');
  const tmp = tempDir();
  try {
    const log = join(tmp.dir, 'log.jsonl');
    const facts = [{}, { task: 5 }];
    writeSyntheticLog(log, 2, (seq) => syntheticBody(seq, { kind: 'spawn', facts: facts[seq] as Record<string, unknown> }));
    const report = await replayDecisions([log], {}, {});
    expect({ replayed: report.replayed, changed: report.changed }).toEqual({ replayed: 0, changed: [] });
    expect(report.unreadable.map((u) => u.why)).toEqual([expect.stringMatching(/^its facts lack `\w+`$/), expect.stringMatching(/^its fact `task` /)]);
  } finally {
    tmp.cleanup();
  }
});

test('a change to any plan field is found (a prompt file in no argv, a timeout), and so is another rule deciding the same value', () => {
  const p = project();
  try {
    mkdirSync(join(p.wgDir, 'policies'));
    const rule = (field: string, id: string, value: string) =>
      `field: ${field}\nrules:\n  - id: ${id}\n    description: x\n    priority: 500\n    when: { all: [ { fact: task, path: id, operator: equal, value: t1 } ] }\n    then: { value: ${value} }\n`;
    writeFileSync(join(p.wgDir, 'policies', 'prompt.yaml'), rule('prompt-file', 'prompt-file.elsewhere', '"/tmp/other-prompt.txt"'));
    let r = p.run('audit', 'replay', '--json');
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      expect.objectContaining({
        task: 't1',
        fields: ['promptFile'],
        rules: ['prompt-file'],
        now: expect.objectContaining({ values: expect.objectContaining({ promptFile: '/tmp/other-prompt.txt' }) }),
      }),
    ]);
    writeFileSync(join(p.wgDir, 'policies', 'prompt.yaml'), rule('launch', 'launch.same-value', 'agent'));
    r = p.run('audit', 'replay');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ {2}t1 {2}launch rule launch\.agent → launch\.same-value\n$/);
  } finally {
    p.cleanup();
  }
});

test('--field must name a spawn stage (a typo is bad input, not "nothing would differ")', () => {
  const p = project();
  try {
    const r = p.run('audit', 'replay', '--field', 'exector');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/`--field` must be one of launch, .* not `exector`.*did you mean `executor`.*\[usage\]/);
    expect(p.run('audit', 'replay', '--field', 'deny').code).toBe(2); // a gate effect: replay decides spawn decisions only
    expect(p.run('audit', 'replay', '--field', 'executor').code).toBe(0);
  } finally {
    p.cleanup();
  }
});

test('a log whose decisions could not all be replayed is not an all-clear: exit 2, naming them', async () => {
  const { syntheticBody, tempDir, writeSyntheticLog } = await import('../audit/helpers.js');
  const tmp = tempDir();
  try {
    const log = join(tmp.dir, 'log.jsonl');
    writeSyntheticLog(log, 1, (seq) => syntheticBody(seq, { kind: 'spawn', facts: { task: 5 } as Record<string, unknown> }));
    const r = hostCli(['audit', 'replay', '--audit-log', log], { home: tmp.dir, cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^warning: decision \S+: its fact `task` .*; not replayed\n0 of 0 replayed decisions would differ .*\n1 logged decision could not be replayed; run `wg-policy audit verify`\n$/,
    );
  } finally {
    tmp.cleanup();
  }
});
