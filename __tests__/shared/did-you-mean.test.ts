// The one fuzzy matcher: nearest candidate within reach, case-insensitive, else no hint.
import { describe, expect, test } from '@jest/globals';
import { closest, didYouMean, editDistance, nearest } from '../../src/shared/did-you-mean.js';

const STAGES = ['model', 'executor', 'compat', 'model-id', 'endpoint', 'env', 'argv'];

describe('closest', () => {
  test.each([
    { note: 'one typo', input: 'modle', want: 'model' },
    { note: 'case is ignored', input: 'EXECUTOR', want: 'executor' },
    { note: 'exact match', input: 'env', want: 'env' },
    { note: 'a missing letter in a long word', input: 'endpont', want: 'endpoint' },
    { note: 'short inputs still reach 2 edits', input: 'ag', want: 'argv' },
    { note: 'too far: nothing', input: 'kafka', want: undefined },
  ])('$note: $input → $want', ({ input, want }) => {
    expect(closest(input, STAGES)).toBe(want);
  });

  test('reach grows with the input: a third of its length', () => {
    expect(closest('abcdefghi', ['abcxyzghi'])).toBe('abcxyzghi'); // 3 edits, 9/3 = 3
    expect(closest('abcdefghi', ['abwxyzghi'])).toBeUndefined(); // 4 edits
  });

  test('of equally near candidates, the first wins', () => {
    expect(closest('ab', ['ax', 'ay'])).toBe('ax');
    expect(closest('ab', ['ay', 'ax'])).toBe('ay');
  });

  test('no candidates: nothing', () => {
    expect(closest('model', [])).toBeUndefined();
    expect(closest('model', new Set<string>())).toBeUndefined();
  });
});

describe('didYouMean', () => {
  test('the hint names the candidate in backticks', () => {
    expect(didYouMean('exector', STAGES)).toBe('; did you mean `executor`?');
  });

  test('no candidate within reach: empty', () => {
    expect(didYouMean('completely-different', STAGES)).toBe('');
  });
});

describe('editDistance and nearest (wg model suggestions)', () => {
  test('distance counts code points', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('é', 'e')).toBe(1);
    expect(editDistance('🙂', '🙃')).toBe(1);
  });

  test('the n nearest, ties in candidate order, only within reach', () => {
    expect(nearest('gpt-5', ['gpt-4', 'GPT-5', 'claude-opus', 'gpt-5x'], 2, 5)).toEqual(['GPT-5', 'gpt-4']);
    expect(nearest('ab', ['zzzzzz', 'ac'], 3, 1)).toEqual(['ac']);
  });
});
