// The next agent id wg would give: next_agent_id of <wgdir>/service/registry.json, 1 without the file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { nextAgentId } from '../../src/config/agent-registry.js';
import { thrown } from '../support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-areg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const withRegistry = (text?: string) => {
  const d = join(dir, `wg${n++}`);
  mkdirSync(join(d, 'service'), { recursive: true });
  if (text !== undefined) writeFileSync(join(d, 'service', 'registry.json'), text);
  return nextAgentId(d, '.wg/service/registry.json');
};

test('no registry: 1; a registry: its next_agent_id', () => {
  expect(withRegistry()).toEqual({ next: 1, file: null });
  expect(withRegistry('{"agents":{"agent-7":{}},"next_agent_id":8}')).toEqual({ next: 8, file: '.wg/service/registry.json' });
});

test.each([
  ['{', undefined],
  ['{"next_agent_id":2}', 'agents'],
  ['{"agents":[],"next_agent_id":2}', 'agents'],
  ['{"agents":{},"next_agent_id":-1}', 'next_agent_id'],
  ['{"agents":{},"next_agent_id":1.5}', 'next_agent_id'],
  ['{"agents":{}}', 'next_agent_id'],
])('%s is agent-registry bad input', (text, key) => {
  expect(thrown(() => withRegistry(text))).toMatchObject({ code: 'agent-registry', file: '.wg/service/registry.json', ...(key ? { key } : {}) });
});
