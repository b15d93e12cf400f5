// Every stage table: kinds and stage names are unique across tables, since rule ids and `disable` entries are namespaced by them.
import { expect, test } from '@jest/globals';
import { GATE_TABLE, NAMESPACES, SPAWN_TABLE, TABLES } from '../../src/stages/index.js';

test('the tables are spawn and gate', () => {
  expect(TABLES).toEqual([SPAWN_TABLE, GATE_TABLE]);
  expect(new Set(TABLES.map((t) => t.kind)).size).toBe(TABLES.length);
});

test('stage names are unique across tables, and NAMESPACES lists them all', () => {
  const names = TABLES.flatMap((t) => t.stages.map((s) => s.name));
  expect(new Set(names).size).toBe(names.length);
  expect([...NAMESPACES]).toEqual(names);
  expect(NAMESPACES).toContain('done');
  expect(NAMESPACES).toContain('model');
});

test('no stage name contains a dot (ids are `<stage>.<name>`)', () => {
  expect(NAMESPACES.filter((n) => n.includes('.'))).toEqual([]);
});
