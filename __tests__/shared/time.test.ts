// within: whether a promise settles (either way) in time; the timer never outlives the wait.
import { describe, expect, test } from '@jest/globals';
import { within } from '../../src/shared/time.js';

const after = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms));

describe('within', () => {
  test.each([
    { note: 'resolves in time', promise: () => after(5, 'x'), ms: 1000, want: true },
    { note: 'rejects in time (settling counts)', promise: () => after(5, 'boom', true), ms: 1000, want: true },
    { note: 'already settled', promise: () => Promise.resolve(1), ms: 0, want: true },
    { note: 'too slow', promise: () => after(300, 'late'), ms: 20, want: false },
    { note: 'never settles', promise: () => new Promise(() => undefined), ms: 20, want: false },
  ])('$note → $want', async ({ promise, ms, want }) => {
    expect(await within(promise(), ms)).toBe(want);
  });

  test('returns as soon as the promise settles, not at the deadline', async () => {
    const started = Date.now();
    expect(await within(after(5, 'x'), 5000)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a rejection that loses the race is still handled', async () => {
    const late = after(50, 'late failure', true);
    expect(await within(late, 5)).toBe(false);
    await expect(late).rejects.toThrow('late failure');
  });
});
