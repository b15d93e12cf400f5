// The record's actor comes from the request's environment, not the process's (a library caller, a serve request).
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { closeAuditLog } from '../../src/audit/append.js';
import { decideGate } from '../../src/gate/decide.js';
import { planSpawn } from '../../src/spawn/plan.js';
import { projectWithTasks } from '../support/project.js';

const s = projectWithTasks([{ id: 't1', status: 'in-progress' }]);
afterAll(async () => {
  await closeAuditLog();
  s.cleanup();
});

test('plan and gate records name the WG_AGENT_ID of the request, not of the process', async () => {
  expect(process.env.WG_AGENT_ID).toBeUndefined();
  const log = join(s.root, 'audit.jsonl');
  await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: { WG_AGENT_ID: 'agent-7' } }, { decisionLog: { path: log } });
  await decideGate({
    taskId: 't1',
    dir: s.wgDir,
    cwd: s.project,
    env: { PATH: process.env.PATH, HOME: s.home, WG_AGENT_ID: 'agent-9' },
    decisionLog: { path: log },
  });
  await planSpawn({ taskId: 't1', dir: s.wgDir, home: s.home, env: {} }, { decisionLog: { path: log } });
  const actors = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { actor: string }).actor);
  expect(actors.slice(0, 2)).toEqual(['agent-7', 'agent-9']);
  expect(actors[2]).toBe(userInfo().username); // no agent in the request: the user the process runs as
});
