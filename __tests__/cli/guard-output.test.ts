// The output guard escapes control characters however long the text (one global replace past ~64 million matches
// aborts V8, so long text is escaped a slice at a time) and keeps wg-policy's own colour sequences when asked.
import { expect, test } from '@jest/globals';
import { escapeUnprintable, neutralizeControls } from '../../src/cli/guard-output.js';

/** The escape of each character, one at a time: what the slice-wise replace must equal. */
function escapedOneByOne(text: string, keep: (c: number) => boolean): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += keep(code) ? c : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}
const printable = (c: number) => c >= 0x20 && !(c >= 0x7f && c <= 0x9f) && c !== 0x2028 && c !== 0x2029 && c !== 0x202e;

test('text longer than a slice is escaped exactly as character by character, controls at every slice boundary included', () => {
  const slice = 1 << 20;
  const parts: string[] = [];
  for (let i = 0; i < 3; i++) parts.push('x'.repeat(slice - 1), '\x1b', '\u202e', 'y\t\n\x9b');
  const text = parts.join('');
  expect(text.length).toBeGreaterThan(3 * slice);
  // Each part escaped on its own (the runs of `x` have nothing to escape), joined: the whole text escaped one by one.
  const expected = (keep: (c: number) => boolean) => parts.map((p) => (p[0] === 'x' ? p : escapedOneByOne(p, keep))).join('');
  expect(escapeUnprintable(text)).toBe(expected(printable));
  expect(neutralizeControls(text, false)).toBe(expected((c) => c === 0x09 || c === 0x0a || printable(c)));
});

test("wg-policy's own colour and line-clear sequences survive with keepOwn; other escapes do not", () => {
  const text = '\x1b[31mred\x1b[0m \x1b]0;title\x07 \r\x1b[2Klive';
  expect(neutralizeControls(text, true)).toBe('\x1b[31mred\x1b[0m \\u001b]0;title\\u0007 \r\x1b[2Klive');
  expect(neutralizeControls(text, false)).toBe('\\u001b[31mred\\u001b[0m \\u001b]0;title\\u0007 \\u000d\\u001b[2Klive');
});
