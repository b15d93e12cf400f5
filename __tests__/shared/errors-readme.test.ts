// The README's table of error codes is the code's own: every code once, with its exit class.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../src/shared/errors.js';
import { ROOT } from '../support/project.js';

test('the README lists every error code with its exit class, and no other', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('<!-- error-codes:start -->'), readme.indexOf('<!-- error-codes:end -->'));
  const rows = [...table.matchAll(/^\| `([a-z-]+)` \| (\d) \|/gm)].map((m) => [m[1], Number(m[2])]);
  expect(rows.length).toBeGreaterThan(0);
  expect(Object.fromEntries(rows)).toEqual(ERROR_CODES);
  expect(rows.length).toBe(Object.keys(ERROR_CODES).length);
});
