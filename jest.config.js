// jest runs the TypeScript sources as CommonJS (jest's stable module mode; its ES-module mode needs Node's
// experimental VM modules and was ~12 % slower here): see CONTRIBUTING.md "How the tests run".
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MODULES = fileURLToPath(new URL('node_modules', import.meta.url));

/** The file an `exports` (or one of its branches) gives under `conditions`, in the package's own key order; `types` never. */
function entryOf(exports, conditions) {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) return exports.map((e) => entryOf(e, conditions)).find(Boolean);
  if (!exports || typeof exports !== 'object') return undefined;
  if (Object.keys(exports).some((k) => k.startsWith('.'))) return entryOf(exports['.'], conditions);
  for (const [k, v] of Object.entries(exports)) {
    const found = conditions.includes(k) ? entryOf(v, conditions) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** Whether a package's file is an ES module: by its extension, else by the `type` of the nearest package.json. */
function isEsModule(root, file) {
  if (/\.[cm]js$/.test(file)) return file.endsWith('.mjs');
  for (let dir = dirname(`${root}/${file}`); dir.startsWith(root); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).type === 'module';
    } catch {
      continue; // no package.json here: look one folder up
    }
  }
  return false;
}

/**
 * The packages under node_modules (nested ones too; paths relative to it) whose `require` entry is an ES module or
 * missing (execa 9 and what it imports): the transform turns them into CommonJS. Those `require` cannot resolve at all
 * are mapped to their `import` entry.
 */
function esmOnlyPackages(rel = '', found = { paths: new Set(), mapped: {} }) {
  let names;
  try {
    names = readdirSync(`${NODE_MODULES}/${rel}`).flatMap((n) => (n.startsWith('@') ? readdirSync(`${NODE_MODULES}/${rel}${n}`).map((m) => `${n}/${m}`) : [n]));
  } catch {
    return found;
  }
  for (const name of names) {
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(`${NODE_MODULES}/${rel}${name}/package.json`, 'utf8'));
    } catch {
      continue; // not a package (.bin, .cache)
    }
    const entry = pkg.exports === undefined ? (pkg.main ?? 'index.js') : entryOf(pkg.exports, ['require', 'node', 'default']);
    if (entry === undefined || isEsModule(`${NODE_MODULES}/${rel}${name}`, entry)) {
      found.paths.add(`${rel}${name}`);
      const imported = entry === undefined && entryOf(pkg.exports, ['import', 'node', 'default']);
      if (imported && !(name in found.mapped)) found.mapped[name] = `<rootDir>/node_modules/${rel}${name}/${imported.replace(/^\.\//, '')}`;
    }
    esmOnlyPackages(`${rel}${name}/node_modules/`, found);
  }
  return found;
}
const esmOnly = esmOnlyPackages();
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export default {
  testEnvironment: '<rootDir>/__tests__/support/environment.ts',
  moduleNameMapper: {
    // zod's CommonJS build loads its ~60 locale modules with every import of zod/mini (in each test file): lazily here.
    '^\\.\\./locales/index\\.cjs$': '<rootDir>/__tests__/support/zod-locales.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1',
    ...Object.fromEntries(Object.entries(esmOnly.mapped).map(([name, file]) => [`^${escape(name)}$`, file])),
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/scripts/jest-transform.cjs' },
  transformIgnorePatterns: [`<rootDir>/node_modules/(?!(${[...esmOnly.paths].map(escape).join('|')})/)`],
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // The pack-and-install test is slow and installs from npm's cache: `npm run test:package` runs it.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/package/'],
  // Files run in parallel, one worker per core (jest's default leaves a core idle).
  maxWorkers: '100%',
  // A private TMPDIR per run (global-setup.ts), one per test file inside it (environment.ts), removed as each file
  // ends; the run's folder must then be empty (global-teardown.ts). jest's cache stays out of it.
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  testTimeout: 60000,
  // A worker whose heap passed 300 MB after a file is replaced: a worker's exit takes time in proportion to its heap
  // (~0.3 s at 500 MB here), and jest force-exits (with a warning) any worker not gone 500 ms after the run.
  workerIdleMemoryLimit: '300MB',
};
