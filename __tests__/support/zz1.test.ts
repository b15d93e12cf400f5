import { hostCli } from './cli-host.js';
test('a', () => {
  expect(hostCli(['--version']).code).toBe(0);
});
