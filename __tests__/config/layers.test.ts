// Both config layers, kept apart; the effective endpoint list: local replaces global, global only with inherit_global.
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { loadLayers } from '../../src/config/layers.js';
import { scratch } from '../support/project.js';
import { thrown } from '../support/thrown.js';

const LOCAL = 'project/.wg/config.toml';
const GLOBAL = 'home/.wg/config.toml';
const endpoint = (name: string) => `[[llm_endpoints.endpoints]]\nname = "${name}"\n`;

/** Loads the layers of a scratch project holding `files`, removing it after. */
function layersOf(files: Record<string, string>) {
  const p = scratch(files);
  try {
    return loadLayers({ wgDir: p.wgDir, home: p.home });
  } finally {
    p.cleanup();
  }
}

describe('effective endpoints', () => {
  test.each<{ note: string; files: Record<string, string>; names: string[]; origin: { layer: string; file: string } | null }>([
    {
      note: 'local replaces global',
      files: { [LOCAL]: endpoint('l1') + endpoint('l2'), [GLOBAL]: endpoint('g') },
      names: ['l1', 'l2'],
      origin: { layer: 'local', file: '.wg/config.toml' },
    },
    {
      note: 'local replaces global even with inherit_global',
      files: { [LOCAL]: `[llm_endpoints]\ninherit_global = true\n${endpoint('l')}`, [GLOBAL]: endpoint('g') },
      names: ['l'],
      origin: { layer: 'local', file: '.wg/config.toml' },
    },
    {
      note: 'an empty local list still replaces global',
      files: { [LOCAL]: '[llm_endpoints]\ninherit_global = true\nendpoints = []\n', [GLOBAL]: endpoint('g') },
      names: [],
      origin: { layer: 'local', file: '.wg/config.toml' },
    },
    {
      note: 'global counts only with inherit_global',
      files: { [LOCAL]: '[llm_endpoints]\ninherit_global = true\n', [GLOBAL]: endpoint('g1') + endpoint('g2') },
      names: ['g1', 'g2'],
      origin: { layer: 'global', file: '~/.wg/config.toml' },
    },
    {
      note: 'without inherit_global global is not consulted',
      files: { [LOCAL]: '[dispatcher]\nmodel = "x"\n', [GLOBAL]: endpoint('g') },
      names: [],
      origin: null,
    },
    {
      note: 'inherit_global = false is the same as unset',
      files: { [LOCAL]: '[llm_endpoints]\ninherit_global = false\n', [GLOBAL]: endpoint('g') },
      names: [],
      origin: null,
    },
    { note: 'no local file: global is not consulted', files: { [GLOBAL]: endpoint('g') }, names: [], origin: null },
    { note: 'inherit_global with no global list', files: { [LOCAL]: '[llm_endpoints]\ninherit_global = true\n' }, names: [], origin: null },
  ])('$note', ({ files, names, origin }) => {
    const { endpoints } = layersOf(files);
    expect(endpoints.names).toEqual(names);
    expect(endpoints.count).toBe(names.length);
    expect(endpoints.list.map((e) => e.name)).toEqual(names);
    expect(endpoints.origin).toEqual(origin);
  });

  test('`looked` says why the list is what it is', () => {
    expect(layersOf({ [LOCAL]: endpoint('l') }).endpoints.looked).toBe('.wg/config.toml [[llm_endpoints.endpoints]]');
    expect(layersOf({ [LOCAL]: '[llm_endpoints]\ninherit_global = true\n', [GLOBAL]: endpoint('g') }).endpoints.looked).toBe(
      '~/.wg/config.toml [[llm_endpoints.endpoints]] (inherited: inherit_global = true)',
    );
    expect(layersOf({ [LOCAL]: '[llm_endpoints]\ninherit_global = true\n' }).endpoints.looked).toBe(
      '.wg/config.toml (no [[llm_endpoints.endpoints]]) and ~/.wg/config.toml (none either)',
    );
    expect(layersOf({}).endpoints.looked).toContain(
      '~/.wg/config.toml was not consulted because .wg/config.toml does not set [llm_endpoints] inherit_global = true',
    );
  });
});

describe('the layers', () => {
  test('local and global are kept apart, shown project-relative and under ~', () => {
    const layers = layersOf({ [LOCAL]: '[agent]\nmodel = "a"\n', [GLOBAL]: '[agent]\nmodel = "b"\n' });
    expect(layers.local).toMatchObject({ file: '.wg/config.toml', exists: true, data: { agent: { model: 'a' } } });
    expect(layers.global).toMatchObject({ file: '~/.wg/config.toml', exists: true, data: { agent: { model: 'b' } } });
  });

  test('the global file is ~/.workgraph/config.toml when only ~/.workgraph exists', () => {
    const layers = layersOf({ 'home/.workgraph/config.toml': '[agent]\nmodel = "w"\n' });
    expect(layers.global).toMatchObject({ file: '~/.workgraph/config.toml', exists: true, data: { agent: { model: 'w' } } });
    expect(layers.local.exists).toBe(false);
  });

  test('missing files are empty layers; the project root is the wg dir parent', () => {
    const p = scratch();
    try {
      const layers = loadLayers({ wgDir: p.wgDir, home: p.home });
      expect(layers).toMatchObject({ wgDir: p.wgDir, projectRoot: p.project, local: { exists: false, data: {} }, global: { exists: false, data: {} } });
    } finally {
      p.cleanup();
    }
  });

  test('a project whose wg dir is the global dir reads one file as both layers', () => {
    const p = scratch({ [GLOBAL]: `[agent]\nmodel = "same"\n[llm_endpoints]\ninherit_global = true\n${endpoint('e')}` });
    try {
      const layers = loadLayers({ wgDir: join(p.home, '.wg'), home: p.home });
      expect(layers.local.data).toEqual(layers.global.data);
      expect(layers.local.file).toBe(layers.global.file);
      expect(layers.global).not.toBe(layers.local);
      expect(layers.endpoints.origin?.layer).toBe('local');
    } finally {
      p.cleanup();
    }
  });

  test('a bad global file is an error naming it as ~/…', () => {
    expect(thrown(() => layersOf({ [GLOBAL]: '[agent]\nmodel = 1\n' }))).toMatchObject({ code: 'config-type', file: '~/.wg/config.toml', line: 2 });
  });
});
