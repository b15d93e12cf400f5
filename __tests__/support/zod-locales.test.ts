// jest.config.js maps zod's locale table to a stand-in that loads it on first read (see zod-locales.cjs).
import { createRequire } from 'node:module';
import * as z from 'zod/mini';

const standIn = createRequire(__filename)('./zod-locales.cjs') as typeof z.locales;

test('zod/mini’s locales are the lazy stand-in, and reading one loads the real table', () => {
  expect(z.locales).toBe(standIn);
  expect(typeof z.locales.en).toBe('function');
  expect(Object.keys(z.locales)).toContain('de');
  expect(typeof z.locales.en().localeError).toBe('function');
});
