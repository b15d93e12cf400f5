// jest runs the TypeScript sources as CommonJS (jest's stable module mode; its ES-module mode needs Node's
// experimental VM modules and was ~12 % slower here): see CONTRIBUTING.md "How the tests run".
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The packages under node_modules (nested ones included) that ship ES modules only (execa 9 and what it imports):
 * the transform turns them into CommonJS too.
 */
function esmOnlyPackages(dir = fileURLToPath(new URL('node_modules', import.meta.url)), found = new Set()) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  const names = entries.flatMap((n) => (n.startsWith('@') ? readdirSync(`${dir}/${n}`).map((m) => `${n}/${m}`) : [n]));
  for (const name of names) {
    try {
      const pkg = JSON.parse(readFileSync(`${dir}/${name}/package.json`, 'utf8'));
      if (pkg.type === 'module' && !JSON.stringify(pkg.exports ?? {}).includes('"require"')) found.add(name);
    } catch {
      continue; // not a package (.bin, .cache)
    }
    esmOnlyPackages(`${dir}/${name}/node_modules`, found);
  }
  return found;
}
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export default {
  testEnvironment: '<rootDir>/__tests__/support/environment.ts',
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Its `exports` offer `import` only, which CommonJS resolution does not take.
    '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/scripts/jest-transform.cjs' },
  transformIgnorePatterns: [`/node_modules/(?!(${[...esmOnlyPackages()].map(escape).join('|')})/)`],
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
