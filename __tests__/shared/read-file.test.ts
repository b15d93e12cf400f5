// Reading input files: regular files only; missing is absent or `file-unreadable`; FIFOs and folders refused without hanging.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileBytes, readTextFile } from '../../src/shared/read-file.js';
import { thrown } from '../support/thrown.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wgp-read-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('regular files', () => {
  test('text is read as UTF-8, bytes as they are', () => {
    const file = path.join(dir, 'c.toml');
    fs.writeFileSync(file, 'name = "é"\n');
    expect(readTextFile(file)).toBe('name = "é"\n');
    expect(readFileBytes(file)).toEqual(Buffer.from('name = "é"\n'));
    expect(readTextFile(file, { missing: 'absent' })).toBe('name = "é"\n');
  });

  test('an empty file is the empty string', () => {
    const file = path.join(dir, 'empty');
    fs.writeFileSync(file, '');
    expect(readTextFile(file)).toBe('');
  });

  test('a symlink to a regular file is followed', () => {
    const target = path.join(dir, 'target');
    fs.writeFileSync(target, 'x');
    fs.symlinkSync(target, path.join(dir, 'link'));
    expect(readTextFile(path.join(dir, 'link'))).toBe('x');
  });
});

describe('missing files', () => {
  test.each([
    { note: 'a missing file', rel: 'nope.toml' },
    { note: 'a path through a regular file', rel: 'c.toml/inner' },
  ])('$note is absent when the caller allows it', ({ rel }) => {
    fs.writeFileSync(path.join(dir, 'c.toml'), '');
    expect(readTextFile(path.join(dir, rel), { missing: 'absent' })).toBeUndefined();
    expect(readFileBytes(path.join(dir, rel), { missing: 'absent' })).toBeUndefined();
  });

  test('otherwise `file-unreadable` naming the file as shown, with the help given', () => {
    const e = thrown(() => readTextFile(path.join(dir, 'nope.toml'), { shownAs: '.wg/nope.toml', what: 'config file', help: 'create it' }));
    expect(e).toMatchObject({
      code: 'file-unreadable',
      file: '.wg/nope.toml',
      help: 'create it',
      message: 'cannot read config file `.wg/nope.toml`: does not exist',
    });
  });

  test('a path through a regular file is `file-unreadable` too, without the errno prefix', () => {
    fs.writeFileSync(path.join(dir, 'c.toml'), '');
    const e = thrown(() => readTextFile(path.join(dir, 'c.toml', 'inner'), { shownAs: 'inner' }));
    expect(e).toMatchObject({ code: 'file-unreadable', file: 'inner', message: 'cannot read file `inner`: not a directory' });
  });
});

describe('not regular files', () => {
  test('a directory is `not-a-regular-file`, even when missing files are allowed', () => {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub, { recursive: true });
    for (const options of [{}, { missing: 'absent' as const }]) {
      expect(thrown(() => readTextFile(sub, { ...options, shownAs: 'sub', what: 'policy file' }))).toMatchObject({
        code: 'not-a-regular-file',
        file: 'sub',
        message: 'policy file `sub` is a directory, not a regular file',
      });
    }
  });

  test('a FIFO is refused at once instead of blocking on open', () => {
    const fifo = path.join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const started = Date.now();
    expect(thrown(() => readTextFile(fifo, { shownAs: 'fifo' }))).toMatchObject({
      code: 'not-a-regular-file',
      message: 'file `fifo` is a FIFO, not a regular file',
    });
    expect(thrown(() => readFileBytes(fifo, { missing: 'absent' }))).toMatchObject({ code: 'not-a-regular-file' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('a device is refused', () => {
    expect(thrown(() => readTextFile('/dev/null'))).toMatchObject({
      code: 'not-a-regular-file',
      message: 'file `/dev/null` is a device or special file, not a regular file',
    });
  });

  test('a socket is refused', async () => {
    const sock = path.join(dir, 's.sock');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(thrown(() => readTextFile(sock, { shownAs: 's.sock' }))).toMatchObject({
        code: 'not-a-regular-file',
        message: 'file `s.sock` is a socket, not a regular file',
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
