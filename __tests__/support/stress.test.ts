// The sizes helpers: a sweep keeps every n-th item and the ones it must always run, or all of them in a full run.
import { sized, sweep, STRESS } from './stress.js';

test('sweep keeps every n-th item in order and every item `always` keeps; a full run keeps all', () => {
  const items = Array.from({ length: 10 }, (_, i) => `c${i}`);
  expect(sweep(items, 4, undefined, false)).toEqual(['c0', 'c4', 'c8']);
  expect(sweep(items, 4, (x) => x === 'c5', false)).toEqual(['c0', 'c4', 'c5', 'c8']);
  expect(sweep(items, 4, undefined, true)).toEqual(items);
  expect(sweep(items, 1, undefined, false)).toEqual(items);
});

test('sized and sweep follow WG_POLICY_STRESS', () => {
  expect(STRESS).toBe(process.env.WG_POLICY_STRESS === '1');
  expect(sized('small', 'full')).toBe(STRESS ? 'full' : 'small');
  expect(sweep([1, 2, 3], 2)).toEqual(STRESS ? [1, 2, 3] : [1, 3]);
});
