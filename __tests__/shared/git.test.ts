// gitToplevel: the work tree top from `git rev-parse --show-toplevel`, or null for any failure of the runner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { gitMissing, gitToplevel, runGit, type GitRunner } from '../../src/shared/git.js';

/** A runner answering with `result`, recording its calls. */
function fake(result: ReturnType<GitRunner> | Error): { git: GitRunner; calls: Array<[string[], string]> } {
  const calls: Array<[string[], string]> = [];
  const git: GitRunner = (args, cwd) => {
    calls.push([args, cwd]);
    if (result instanceof Error) throw result;
    return result;
  };
  return { git, calls };
}

describe('gitToplevel with an injected runner', () => {
  test('asks git for the top level in the given folder', () => {
    const { git, calls } = fake({ status: 0, stdout: '/repo\n' });
    expect(gitToplevel('/repo/sub', git)).toBe('/repo');
    expect(calls).toEqual([[['rev-parse', '--show-toplevel'], '/repo/sub']]);
  });

  test.each([
    { note: 'git fails (not a repository)', result: { status: 128, stdout: '' } },
    { note: 'git could not run or timed out', result: { status: null, stdout: '' } },
    { note: 'git succeeds but prints nothing', result: { status: 0, stdout: '  \n' } },
    { note: 'a non-zero status ignores its output', result: { status: 1, stdout: '/repo\n' } },
    { note: 'the runner throws', result: new Error('spawn failed') },
  ])('$note → null', ({ result }) => {
    expect(gitToplevel('/x', fake(result).git)).toBeNull();
  });
});

describe('the real runner', () => {
  test('a folder outside any repository has no top level', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgp-git-'));
    try {
      expect(gitToplevel(dir)).toBeNull();
      expect(runGit(['--version'], dir)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^git version /) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('git that runs is not `missing`; a folder that does not exist is not git missing either', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgp-git-'));
    try {
      expect(gitMissing(dir)).toBe(false);
      expect(runGit(['--version'], path.join(dir, 'gone'))).toEqual({ status: null, stdout: '' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a fresh repository is its own top level', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'wgp-git-')));
    try {
      expect(runGit(['init', '-q'], dir).status).toBe(0);
      fs.mkdirSync(path.join(dir, 'sub'));
      expect(gitToplevel(path.join(dir, 'sub'))).toBe(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
