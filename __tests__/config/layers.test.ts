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
      files: { [LOCAL]: '[dispatcher]\nmodel = "claude:x"\n', [GLOBAL]: endpoint('g') },
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

  test.each<{ note: string; files: Record<string, string>; names: string[]; via: string | null }>([
    {
      note: 'test_active_named_profile_endpoints_propagate_by_default',
      files: { [GLOBAL]: endpoint('default'), 'home/.wg/active-profile': 'nex\n' },
      names: ['default'],
      via: 'nex',
    },
    {
      note: 'test_active_named_profile_endpoints_can_be_explicitly_blocked',
      files: { [LOCAL]: '[llm_endpoints]\ninherit_global = false\n', [GLOBAL]: endpoint('default'), 'home/.wg/active-profile': 'nex' },
      names: [],
      via: null,
    },
    {
      note: 'an active profile does not replace a local list',
      files: { [LOCAL]: endpoint('l'), [GLOBAL]: endpoint('g'), 'home/.wg/active-profile': 'nex' },
      names: ['l'],
      via: null,
    },
    { note: 'an empty pointer file means no active profile', files: { [GLOBAL]: endpoint('g'), 'home/.wg/active-profile': '  \n' }, names: [], via: null },
    {
      note: 'with inherit_global = true the profile is not the reason',
      files: { [LOCAL]: '[llm_endpoints]\ninherit_global = true\n', [GLOBAL]: endpoint('g'), 'home/.wg/active-profile': 'x' },
      names: ['g'],
      via: null,
    },
  ])('active named profile: $note', ({ files, names, via }) => {
    const layers = layersOf(files);
    expect(layers.endpoints.names).toEqual(names);
    expect(layers.endpoints.viaProfile?.name ?? null).toBe(via);
  });

  test('the active profile is read from the global dir (~/.workgraph when only it exists)', () => {
    const layers = layersOf({ 'home/.workgraph/config.toml': endpoint('w'), 'home/.workgraph/active-profile': 'codex' });
    expect(layers.activeProfile).toEqual({ name: 'codex', file: '~/.workgraph/active-profile' });
    expect(layers.endpoints.looked).toContain('the active named profile `codex` in ~/.workgraph/active-profile');
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
      '~/.wg/config.toml was not consulted because .wg/config.toml does not set [llm_endpoints] inherit_global = true and no named profile is active',
    );
    expect(layersOf({ [LOCAL]: '[llm_endpoints]\ninherit_global = false\n' }).endpoints.looked).toContain('sets [llm_endpoints] inherit_global = false');
  });
});

describe('the layers', () => {
  test('local and global are kept apart, shown project-relative and under ~', () => {
    const layers = layersOf({ [LOCAL]: '[agent]\nmodel = "claude:a"\n', [GLOBAL]: '[agent]\nmodel = "claude:b"\n' });
    expect(layers.local).toMatchObject({ file: '.wg/config.toml', exists: true, data: { agent: { model: 'claude:a' } } });
    expect(layers.global).toMatchObject({ file: '~/.wg/config.toml', exists: true, data: { agent: { model: 'claude:b' } } });
  });

  test('the global file is ~/.workgraph/config.toml when only ~/.workgraph exists', () => {
    const layers = layersOf({ 'home/.workgraph/config.toml': '[agent]\nmodel = "claude:w"\n' });
    expect(layers.global).toMatchObject({ file: '~/.workgraph/config.toml', exists: true, data: { agent: { model: 'claude:w' } } });
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
    const p = scratch({ [GLOBAL]: `[agent]\nmodel = "claude:same"\n[llm_endpoints]\ninherit_global = true\n${endpoint('e')}` });
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

  test("wg's model-format validation runs on the merged view: the local value hides a bad global one", () => {
    expect(layersOf({ [LOCAL]: '[agent]\nmodel = "claude:opus"\n', [GLOBAL]: '[agent]\nmodel = "opus"\n' }).local.data.agent?.model).toBe('claude:opus');
    expect(thrown(() => layersOf({ [GLOBAL]: '[agent]\nmodel = "opus"\n' }))).toMatchObject({
      code: 'config-model-format',
      file: '~/.wg/config.toml',
      line: 2,
      key: 'agent.model',
    });
  });

  test('a bad global file is an error naming it as ~/…', () => {
    expect(thrown(() => layersOf({ [GLOBAL]: '[agent]\nmodel = 1\n' }))).toMatchObject({ code: 'config-type', file: '~/.wg/config.toml', line: 2 });
  });
});
