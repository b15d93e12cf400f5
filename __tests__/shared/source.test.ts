// Sources: one shape for provenance; dedupeSources keeps the first of each (layer, file, key, via).
import { describe, expect, test } from '@jest/globals';
import { dedupeSources, SourceSchema, type Source } from '../../src/shared/source.js';

const s = (layer: Source['layer'], key: string, extra: Partial<Source> = {}): Source => ({ layer, file: 'f', key, value: 1, ...extra });

describe('dedupeSources', () => {
  test.each<{ note: string; input: Source[]; want: Source[] }>([
    { note: 'no sources', input: [], want: [] },
    { note: 'distinct sources stay, in order', input: [s('task', 'model'), s('local', 'model')], want: [s('task', 'model'), s('local', 'model')] },
    {
      note: 'a repeat is dropped, the first kept',
      input: [s('task', 'model', { value: 'a' }), s('task', 'model', { value: 'b' })],
      want: [s('task', 'model', { value: 'a' })],
    },
    {
      note: 'another file is another source',
      input: [s('local', 'k'), s('local', 'k', { file: 'g' })],
      want: [s('local', 'k'), s('local', 'k', { file: 'g' })],
    },
    {
      note: 'a null file differs from a named one',
      input: [s('cli', 'k', { file: null }), s('cli', 'k')],
      want: [s('cli', 'k', { file: null }), s('cli', 'k')],
    },
    {
      note: 'via tells sources apart',
      input: [s('task', 'model'), s('task', 'model', { via: 'model' }), s('task', 'model', { via: 'model' })],
      want: [s('task', 'model'), s('task', 'model', { via: 'model' })],
    },
  ])('$note', ({ input, want }) => {
    expect(dedupeSources(input)).toEqual(want);
  });
});

describe('SourceSchema', () => {
  test('accepts every layer and refuses others', () => {
    for (const layer of ['task', 'cli', 'local', 'global', 'default', 'manifest', 'run'])
      expect(SourceSchema.safeParse({ layer, file: null, key: 'k', value: 1 }).success).toBe(true);
    expect(SourceSchema.safeParse({ layer: 'env', file: null, key: 'k', value: 1 }).success).toBe(false);
    expect(SourceSchema.safeParse({ layer: 'task', key: 'k', value: 1 }).success).toBe(false);
  });
});
