// CI runs what the README promises: its test command, the pack-and-install test and the linters, on a fresh install.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/project.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

test('the README keeps its two set-up commands, and every script it names exists', () => {
  expect(readme).toContain('```sh\nnpm ci && npm run demo\n```');
  expect(readme).toContain('```sh\nnpm ci && npm test\n```');
  for (const [, name] of readme.matchAll(/`npm run ([\w:-]+)`/g)) expect([name, scripts[name] !== undefined]).toEqual([name, true]);
});

test('.ci/run installs from the lock file, then runs the README test command, the full sweeps, the full-size stress tests, the package test and lint, stopping at the first failure', () => {
  const steps = ci.split('\n').filter((l) => /^npm /.test(l));
  expect(steps).toEqual(['npm ci', 'npm test', 'npm run sweeps', 'npm run stress', 'npm run test:package', 'npm run lint']);
  expect(ci).toContain('set -euo pipefail');
});

test('npm ci may run esbuild’s install script: it is approved as npm 11 expects, not left as a warning', () => {
  expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).allowScripts).toEqual({ esbuild: true });
});

test('every test file that shrinks a size or samples a sweep for npm test runs at full size in npm run sweeps or npm run stress', () => {
  const files = readdirSync(join(ROOT, '__tests__'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && f !== join('support', 'stress.test.ts'))
    .filter((f) => /from '(\.\.\/support|\.)\/stress\.js'/.test(readFileSync(join(ROOT, '__tests__', f), 'utf8')));
  expect(files.length).toBeGreaterThan(8);
  const full = `${scripts.sweeps} ${scripts.stress}`;
  expect(files.filter((f) => !full.includes(`__tests__/${f}`))).toEqual([]);
});

test('the full runs pick whole files, not tests by name: jest would report every other test of those files as skipped', () => {
  for (const name of ['test', 'sweeps', 'stress']) expect([name, /\s(-t|--testNamePattern)[\s=]/.test(scripts[name])]).toEqual([name, false]);
});
