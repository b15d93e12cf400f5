// jest runs the TypeScript sources as ES modules (execa 9 is ESM-only): see CONTRIBUTING.md "How the tests run".
export default {
  testEnvironment: '<rootDir>/__tests__/support/environment.ts',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-transform.cjs' },
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
