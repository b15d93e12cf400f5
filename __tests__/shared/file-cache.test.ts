// The input caches' revalidation: one stat per file per use, or per batch of requests read together (serve).
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { expect, test } from '@jest/globals';
import { FileCache, oneCheckPerBatch, outsideTheBatch } from '../../src/shared/file-cache.js';
import { tempFiles } from '../support/temp-files.js';

const files = tempFiles('cached', '.txt');

/** Writes `text` with an mtime a minute ago (not "racy": the cache trusts its stat, not the content). */
function writeSettled(path: string, text: string): void {
  writeFileSync(path, text);
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
}

const cache = new FileCache<string>();
const load = (path: string) =>
  cache.get(
    path,
    () => readFileSync(path, 'utf8'),
    (text) => `parsed ${text}`,
  );

test('outside a batch every use stats the file: an edit is seen by the next use', () => {
  const path = files.write(['one']);
  writeSettled(path, 'one');
  expect(load(path)).toBe('parsed one');
  writeSettled(path, 'two!');
  expect(load(path)).toBe('parsed two!');
});

test('within a batch each file is stat-ed once: an edit made after the batch began waits for the next batch', async () => {
  const path = files.write(['one']);
  writeSettled(path, 'one');
  await oneCheckPerBatch(async () => {
    expect(load(path)).toBe('parsed one');
    writeSettled(path, 'two!');
    expect(load(path)).toBe('parsed one');
    // A request run outside the batch stats every use, and the batch checks anew after it.
    await outsideTheBatch(async () => {
      expect(load(path)).toBe('parsed two!');
      writeSettled(path, 'seven');
      expect(load(path)).toBe('parsed seven');
    });
    expect(load(path)).toBe('parsed seven');
    writeSettled(path, 'three');
    expect(load(path)).toBe('parsed seven');
  });
  expect(load(path)).toBe('parsed three');
  // An edit made before the batch began is seen by all of it.
  writeSettled(path, 'four!');
  await oneCheckPerBatch(async () => {
    expect(load(path)).toBe('parsed four!');
    expect(load(path)).toBe('parsed four!');
  });
});

test('within a batch a file changed just before it was read is still compared by content', async () => {
  const path = files.write(['one']);
  await oneCheckPerBatch(async () => {
    writeFileSync(path, 'five');
    expect(load(path)).toBe('parsed five');
    writeFileSync(path, 'six!'); // the batch reuses its stat: only the content tells
    expect(load(path)).toBe('parsed six!');
  });
});
