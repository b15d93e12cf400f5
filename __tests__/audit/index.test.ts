// `wg-policy/audit` is an exported entry point: append, verify, query and record are importable by library callers.
import { spawnSync } from 'node:child_process';
import { ROOT } from '../support/project.js';

test('the package exports wg-policy/audit with the decision-log API', () => {
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('wg-policy/audit'); console.log(Object.keys(m).sort().join(' '));"],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(r.status).toBe(0);
  const names = r.stdout.trim().split(' ');
  expect(names).toEqual(
    expect.arrayContaining(['appendDecision', 'verifyLog', 'listDecisions', 'showDecision', 'recordDecision', 'logDestination', 'maskSecrets']),
  );
});
