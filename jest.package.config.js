// jest for `npm run test:package` only: pack the project, install the tarball into a scratch TypeScript project.
import base from './jest.config.js';

export default { ...base, testPathIgnorePatterns: ['/node_modules/'], testMatch: ['<rootDir>/__tests__/package/**/*.test.ts'], maxWorkers: 1 };
