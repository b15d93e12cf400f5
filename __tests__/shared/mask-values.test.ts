// maskValues: every byte of every occurrence of a known value is masked; overlapping occurrences make one mask.
import { describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import { coveredSpans, MASK, maskValues } from '../../src/shared/mask-values.js';
import { sized } from '../support/stress.js';

/** The model: every occurrence found by trying each position, sorted, overlapping ones merged (touching ones not). */
function modelSpans(text: string, values: readonly string[]): Array<[number, number]> {
  const all: Array<[number, number]> = [];
  for (const v of values) for (let i = 0; i + v.length <= text.length; i++) if (v.length > 0 && text.startsWith(v, i)) all.push([i, i + v.length]);
  all.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const s of all) {
    const last = merged[merged.length - 1];
    if (last && s[0] < last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

describe('maskValues', () => {
  test('a value, one inside another, and two that overlap each leave nothing of either', () => {
    expect(maskValues('a KEY-12345678 b', ['KEY-12345678'])).toBe(`a ${MASK} b`);
    expect(maskValues('a KEY-12345678-long b KEY-12345678', ['KEY-12345678', 'KEY-12345678-long'])).toBe(`a ${MASK} b ${MASK}`);
    expect(maskValues('ABCDEFGHIJKLMNOP', ['ABCDEFGH', 'EFGHIJKLMNOP'])).toBe(MASK);
    expect(maskValues('aaaaaaaaaaaaaaaa', ['aaaaaaaa'])).toBe(MASK);
  });

  test('values back to back stay two masks; text without a value comes back as it was', () => {
    expect(maskValues('KEY-1234KEY-1234', ['KEY-1234'])).toBe(`${MASK}${MASK}`);
    const text = 'nothing here';
    expect(maskValues(text, ['KEY-1234'])).toBe(text);
    expect(maskValues(text, [])).toBe(text);
  });

  test('the spans are those the model finds by trying every position (fast-check)', () => {
    const unit = fc.constantFrom('a', 'b', 'ab', 'ba', 'aab', ' ');
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 40 }),
        fc.uniqueArray(fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 1, maxLength: 5 }), { maxLength: 3 }),
        (text, values) => {
          expect(coveredSpans(text, values)).toEqual(modelSpans(text, values));
          expect(
            coveredSpans<Uint8Array>(
              Buffer.from(text),
              values.map((v) => Buffer.from(v)),
            ),
          ).toEqual(modelSpans(text, values));
        },
      ),
      { numRuns: sized(3_000, 30_000) },
    );
  });
});
