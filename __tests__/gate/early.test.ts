// (src/gate/early.ts) Which facts a rule reads, and which denials stand before any scenario runs.
import { factsRead } from '../../src/gate/early.js';
import type { LoadedRule } from '../../src/policy/schema.js';

const rule = (when: unknown, then: Partial<LoadedRule['then']> = {}): LoadedRule =>
  ({
    id: 'done.x',
    description: 'd',
    priority: 1,
    when,
    then: { effect: 'deny', message: 'm', ...then },
    stage: 'done',
    file: 'f',
    line: 1,
    order: 0,
  }) as LoadedRule;

test.each([
  { note: 'a leaf', when: { all: [{ fact: 'task', path: 'id', operator: 'isSet' }] }, then: {}, facts: ['task'] },
  {
    note: 'nested any/not',
    when: {
      any: [
        { not: { fact: 'blockers', path: 'count', operator: 'equal', value: 0 } },
        { all: [{ fact: 'request', path: 'agent', operator: 'equal', value: true }] },
      ],
    },
    then: {},
    facts: ['blockers', 'request'],
  },
  {
    note: 'a fact reference as a value',
    when: { all: [{ fact: 'task', path: 'id', operator: 'equal', value: { fact: 'summary', path: 'passed' } }] },
    then: {},
    facts: ['task', 'summary'],
  },
  { note: 'message and help templates', when: { all: [] }, then: { message: '{{summary.passed}}', help: '{{results.0.name}}' }, facts: ['summary', 'results'] },
  { note: 'nothing', when: { all: [] }, then: {}, facts: [] },
])('factsRead: $note', ({ when, then, facts }) => {
  expect([...factsRead(rule(when, then))].sort()).toEqual(facts.sort());
});
