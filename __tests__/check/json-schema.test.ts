// The policy JSON Schema comes from the zod schema: every bundled policy file validates, and typos are caught.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { policyJsonSchema } from '../../src/check/json-schema.js';
import { TABLES } from '../../src/stages/index.js';
import { ROOT } from '../support/project.js';
import { validate } from '../support/json-schema.js';

const schema = policyJsonSchema(TABLES);
const bundled = ['spawn', 'gate', 'optional'].flatMap((d) =>
  readdirSync(join(ROOT, 'policies', d))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('policies', d, f)),
);

test.each(bundled)('%s validates against the schema, and points editors at it', (file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  expect(validate(schema, parse(text))).toEqual([]);
  expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../dist/policy.schema.json');
  expect(existsSync(join(ROOT, dirname(file), '../../dist/policy.schema.json'))).toBe(true);
});

test.each([
  ['an unknown top-level key', { filed: 'model' }],
  ['an unknown stage', { field: 'modle' }],
  [
    'an unknown operator',
    {
      field: 'model',
      rules: [{ id: 'model.x', description: 'x', priority: 1, when: { all: [{ fact: 'task', path: 'model', operator: 'eq' }] }, then: { value: 'a' } }],
    },
  ],
  [
    'an unknown fact',
    { field: 'model', rules: [{ id: 'model.x', description: 'x', priority: 1, when: { all: [{ fact: 'tsak', operator: 'isSet' }] }, then: { value: 'a' } }] },
  ],
  ['a rule without a priority', { field: 'model', rules: [{ id: 'model.x', description: 'x', when: { all: [] }, then: { value: 'a' } }] }],
])('rejects %s', (_name, doc) => {
  expect(validate(schema, doc).length).toBeGreaterThan(0);
});

test('facts and operators are enums an editor can offer', () => {
  const text = JSON.stringify(schema);
  for (const word of ['"task"', '"endpoints"', '"isSet"', '"hasCredentials"', '"dispatcher.executor"']) expect(text).toContain(word);
});
