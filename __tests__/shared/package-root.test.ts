// packageRoot: the folder of wg-policy's own package.json, found by walking up from the module.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { packageRoot } from '../../src/shared/package-root.js';
import { ROOT } from '../support/project.js';

test('is the checkout root, holding the bundled policies', () => {
  expect(packageRoot()).toBe(ROOT);
  expect(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).name).toBe('wg-policy');
  expect(existsSync(join(packageRoot(), 'policies', 'spawn'))).toBe(true);
  expect(packageRoot()).toBe(packageRoot());
});
