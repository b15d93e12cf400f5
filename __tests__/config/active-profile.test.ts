// wg's active named profile: the trimmed text of <global dir>/active-profile; absent or blank means none.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { readActiveProfile } from '../../src/config/active-profile.js';
import { thrown } from '../support/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'wgp-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('test_set_and_read_active: a name, trimmed; absent or blank is none; a folder there is bad input', () => {
  expect(readActiveProfile(dir, '~/.wg')).toBeNull();
  writeFileSync(join(dir, 'active-profile'), '  codex\n');
  expect(readActiveProfile(dir, '~/.wg')).toEqual({ name: 'codex', file: '~/.wg/active-profile' });
  writeFileSync(join(dir, 'active-profile'), '\n \n');
  expect(readActiveProfile(dir, '~/.wg')).toBeNull();
  const other = join(dir, 'other');
  mkdirSync(join(other, 'active-profile'), { recursive: true });
  expect(thrown(() => readActiveProfile(other, '~/.wg'))).toMatchObject({ code: 'not-a-regular-file' });
});
