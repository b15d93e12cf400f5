// The one fuzzy matcher: nearest candidate within reach, case-insensitive, else no hint.
import { describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import { closest, didYouMean, editDistance, MAX_COMPARED, nearest } from '../../src/shared/did-you-mean.js';

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

describe('skipping what cannot be within reach (a megabyte task model against a model cache took minutes)', () => {
  test('the same answers as comparing every candidate, on random names', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '🙂', 'A', '-'), maxLength: 12 });
    const full = (input: string, candidates: string[]) => {
      const reach = Math.max(2, Math.floor(input.length / 3));
      let best: string | undefined;
      let bestD = Infinity;
      for (const c of candidates) {
        const d = editDistance(input.toLowerCase(), c.toLowerCase());
        if (d < bestD) [best, bestD] = [c, d];
      }
      return bestD <= reach ? best : undefined;
    };
    fc.assert(
      fc.property(name, fc.array(name, { maxLength: 8 }), fc.integer({ min: 0, max: 4 }), (input, candidates, reach) => {
        expect(closest(input, candidates)).toBe(full(input, candidates));
        const all = candidates
          .map((c, i) => ({ c, i, d: editDistance(input.toLowerCase(), c.toLowerCase()) }))
          .sort((x, y) => x.d - y.d || x.i - y.i)
          .filter((x) => x.d <= reach)
          .slice(0, 3)
          .map((x) => x.c);
        expect(nearest(input, candidates, 3, reach)).toEqual(all);
      }),
      { numRuns: 3_000 },
    );
  });
  test(`names longer than ${MAX_COMPARED} code points are not compared (no hint)`, () => {
    const long = 'm'.repeat(MAX_COMPARED + 1);
    expect(closest(long, [long.slice(1)])).toBeUndefined();
    expect(closest('model', ['x'.repeat(10 * MAX_COMPARED), 'modle'])).toBe('modle');
    expect(nearest(long, [long], 3, 5)).toEqual([]);
  });
});
