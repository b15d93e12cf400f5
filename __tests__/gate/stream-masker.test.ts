// StreamMasker: config secret values are masked in a byte stream however its chunks split them.
import { describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import { StreamMasker } from '../../src/gate/stream-masker.js';
import { maskValues } from '../../src/shared/mask-values.js';
import { sized } from '../support/stress.js';

/** Streams `text` through a masker in chunks cut at `cuts` (byte offsets) and returns what it wrote. */
function streamed(secrets: readonly string[], text: string | Buffer, cuts: readonly number[]): string {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const m = new StreamMasker(secrets);
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(m.push(bytes.subarray(at, cut)));
    at = cut;
  }
  out.push(m.push(bytes.subarray(at)), m.end());
  return Buffer.concat(out).toString('utf8');
}

describe('StreamMasker', () => {
  test('with no secret (or only short ones) every chunk passes through as it came', () => {
    for (const secrets of [[], ['ollama', 'none']]) {
      const m = new StreamMasker(secrets);
      const chunk = Buffer.from('ollama none\n');
      expect(m.push(chunk)).toBe(chunk);
      expect(m.end().length).toBe(0);
    }
  });

  test('only trailing bytes that begin a value wait for the next chunk; the rest is written at once', () => {
    const m = new StreamMasker(['sk-or-v1-0123456789']);
    expect(m.push(Buffer.from('line one\n')).toString()).toBe('line one\n');
    expect(m.push(Buffer.from('key=sk-or')).toString()).toBe('key=');
    expect(m.push(Buffer.from('-v2 and s')).toString()).toBe('sk-or-v2 and ');
    expect(m.end().toString()).toBe('s');
  });

  test('a value split at any byte, or byte by byte, is masked whole', () => {
    const key = 'sk-or-v1-0123456789abcdef';
    const text = `before ${key} middle ${key}\nafter`;
    for (let cut = 0; cut <= text.length; cut++) expect(streamed([key], text, [cut])).toBe('before *** middle ***\nafter');
    const everyByte = Array.from({ length: text.length }, (_, i) => i);
    expect(streamed([key], text, everyByte)).toBe('before *** middle ***\nafter');
  });

  test('a value with multi-byte characters cut inside a character is masked, and the rest of the bytes are kept', () => {
    const key = 'pässwörd-2024-ü';
    const text = Buffer.from(`ä ${key} ö ${key.slice(0, 5)}`);
    for (let cut = 0; cut <= text.length; cut++) expect(streamed([key], text, [cut])).toBe(`ä *** ö ${key.slice(0, 5)}`);
  });

  test('one value inside another, or two that overlap: no part of either is left, at any cut', () => {
    expect(streamed(['abcdefgh', 'abcdefgh-longer-1'], 'x abcdefgh-longer-1 y abcdefgh z', [4])).toBe('x *** y *** z');
    expect(streamed(['abcdefgh', 'abcdefgh-longer-1'], 'abcdefgh-longer', [9])).toBe('***-longer');
    const text = 'x ABCDEFGHIJKLMNOP y';
    for (let cut = 0; cut <= text.length; cut++) expect(streamed(['ABCDEFGH', 'EFGHIJKLMNOP'], text, [cut])).toBe('x *** y');
  });

  test('values back to back stay apart; a run of overlapping ones is one mask, held in bounded memory', () => {
    const key = 'tok-12345678';
    expect(streamed([key], key.repeat(5000), [7, 65_536, 65_537, 100_000])).toBe('***'.repeat(5000));
    const m = new StreamMasker(['aaaaaaaa']);
    const out: Buffer[] = [m.push(Buffer.from('x '))];
    for (let i = 0; i < 100; i++) out.push(m.push(Buffer.alloc(65_536, 'a')));
    out.push(m.push(Buffer.from(' y')), m.end());
    expect(Buffer.concat(out).toString()).toBe('x *** y');
  });

  test('any chunking gives what masking the whole output at once gives (fast-check)', () => {
    const secrets = ['secret-1', 'secret-12', 'xx-secret-1x', '0000000000', 'cret-12-zz'];
    const unit = fc.constantFrom('a', ' ', '\n', 'x', '-', '0', '1', '2', 'z', 'secret', 'secret-1', 'xx-', '00000');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), fc.array(fc.nat(200), { maxLength: 6 }), (text, cuts) => {
        const bytes = Buffer.from(text);
        const at = cuts.map((c) => c % (bytes.length + 1));
        expect(streamed(secrets, bytes, at)).toBe(maskValues(text, secrets));
      }),
      { numRuns: sized(2_000, 20_000) },
    );
  });
});
