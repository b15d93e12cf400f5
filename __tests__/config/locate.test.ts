// Finding the wg dir (--dir, then WG_DIR, then walking up) and the global config file, the way wg does.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { globalConfigPath, locateWgDir } from '../../src/config/locate.js';
import { thrown } from '../support/thrown.js';

let root: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'wgp-locate-')));
  for (const d of [
    'wg/.wg',
    'wf/.workgraph',
    'both/.wg',
    'both/.workgraph',
    'wg/deep/er',
    'bare',
    'plain/sub',
    'named',
    'home-wf/.workgraph',
    'home-both/.wg',
    'home-both/.workgraph',
    'home-none',
  ])
    mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'bare', 'graph.jsonl'), '');
  writeFileSync(join(root, 'plain', '.wg'), 'a file, not a dir');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('locateWgDir', () => {
  test.each([
    { note: '--dir naming the .wg folder', dir: 'wg/.wg', env: {}, want: 'wg/.wg', how: '--dir' },
    { note: '--dir naming a project root descends into .wg', dir: 'wg', env: {}, want: 'wg/.wg', how: '--dir' },
    { note: '--dir descends into .workgraph', dir: 'wf', env: {}, want: 'wf/.workgraph', how: '--dir' },
    { note: '.wg is tried before .workgraph', dir: 'both', env: {}, want: 'both/.wg', how: '--dir' },
    { note: 'a folder holding graph.jsonl is the wg dir', dir: 'bare', env: {}, want: 'bare', how: '--dir' },
    { note: 'any other existing folder is taken as it is', dir: 'named', env: {}, want: 'named', how: '--dir' },
    { note: 'WG_DIR when there is no --dir', dir: undefined, env: { WG_DIR: 'wf' }, want: 'wf/.workgraph', how: 'WG_DIR' },
    { note: '--dir wins over WG_DIR', dir: 'wg', env: { WG_DIR: 'wf' }, want: 'wg/.wg', how: '--dir' },
  ])('$note', ({ dir, env, want, how }) => {
    expect(locateWgDir({ dir, env, cwd: root })).toEqual({ wgDir: join(root, want), how });
  });

  test('an absolute --dir ignores cwd', () => {
    expect(locateWgDir({ dir: join(root, 'wf'), env: {}, cwd: '/' }).wgDir).toBe(join(root, 'wf', '.workgraph'));
  });

  test.each([
    { note: 'from inside the project', cwd: 'wg/deep/er', want: 'wg/.wg' },
    { note: 'from the project root', cwd: 'wg', want: 'wg/.wg' },
    { note: 'preferring .wg', cwd: 'both', want: 'both/.wg' },
  ])('walks up $note', ({ cwd, want }) => {
    expect(locateWgDir({ env: {}, cwd: join(root, cwd) })).toEqual({ wgDir: join(root, want), how: 'walk-up' });
  });

  test.each([
    { note: '--dir', dir: 'missing', env: {}, key: '--dir' },
    { note: 'WG_DIR', dir: undefined, env: { WG_DIR: 'missing' }, key: 'WG_DIR' },
  ])('a missing $note is wgdir-not-found naming it', ({ dir, env, key }) => {
    expect(thrown(() => locateWgDir({ dir, env, cwd: root }))).toMatchObject({
      code: 'wgdir-not-found',
      key,
      message: `the wg directory \`missing\` given by ${key} does not exist`,
    });
  });

  test('a --dir that is a file is wgdir-not-found saying it is not a directory (not that it does not exist)', () => {
    writeFileSync(join(root, 'a-file'), 'x');
    expect(thrown(() => locateWgDir({ dir: 'a-file', env: {}, cwd: root }))).toMatchObject({
      code: 'wgdir-not-found',
      message: 'the wg directory `a-file` given by --dir is not a directory',
    });
  });

  test('an empty WG_DIR is ignored', () => {
    expect(locateWgDir({ env: { WG_DIR: '' }, cwd: join(root, 'wg') }).how).toBe('walk-up');
  });

  test('walking up to / without a wg dir is wgdir-not-found with help; a file named .wg does not count', () => {
    const cwd = join(root, 'plain', 'sub');
    const e = thrown(() => locateWgDir({ env: {}, cwd }));
    expect(e).toMatchObject({ code: 'wgdir-not-found', help: expect.stringContaining('--dir') });
    expect(e.message).toContain(`\`${cwd}\``);
  });
});

describe('globalConfigPath', () => {
  test.each([
    { note: '~/.wg by default', home: 'home-none', want: 'home-none/.wg/config.toml' },
    { note: '~/.workgraph when only it exists', home: 'home-wf', want: 'home-wf/.workgraph/config.toml' },
    { note: '~/.wg when both exist', home: 'home-both', want: 'home-both/.wg/config.toml' },
  ])('$note', ({ home, want }) => {
    expect(globalConfigPath(join(root, home))).toBe(join(root, want));
  });
});
