// The case runner cannot pass a case by accident: unknown keys, no expectation, or a bad error code are failures.
import * as z from 'zod/mini';
import { validateCase, WantErrorSchema } from './cases.js';

const Schema = z.strictObject({
  note: z.string(),
  task: z.optional(z.record(z.string(), z.unknown())),
  want: z.optional(z.strictObject({ executor: z.optional(z.string()) })),
  want_error: z.optional(WantErrorSchema),
});

test.each([
  ['a misspelt `want`', { note: 'x', wnat: { executor: 'claude' } }, /unknown key\(s\) wnat/],
  ['an unknown key inside `want`', { note: 'x', want: { exectuor: 'claude' } }, /want.*unknown key\(s\) exectuor/],
  ['no expectation at all', { note: 'x', task: { id: 't1' } }, /exactly one of `want` and `want_error`/],
  ['an empty `want`', { note: 'x', want: {} }, /asserts nothing/],
  ['both `want` and `want_error`', { note: 'x', want: { executor: 'claude' }, want_error: { code: 'rule-rejected' } }, /exactly one/],
  ['an error code that does not exist', { note: 'x', want_error: { code: 'bad-input' } }, /want_error.code/],
  ['an unknown key in `want_error`', { note: 'x', want_error: { code: 'rule-rejected', mesage: ['x'] } }, /unknown key\(s\) mesage/],
])('rejects %s', (_name, raw, why) => {
  const r = validateCase(raw, Schema);
  expect(r).toBeInstanceOf(Error);
  expect((r as Error).message).toMatch(why);
});

test('accepts a case that asserts something', () => {
  expect(validateCase({ note: 'x', want: { executor: 'claude' } }, Schema)).toEqual({ note: 'x', want: { executor: 'claude' } });
  expect(validateCase({ note: 'x', want_error: { code: 'rule-rejected', rule: 'compat.keep' } }, Schema)).not.toBeInstanceOf(Error);
});
