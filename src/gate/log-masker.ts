// Masks the config's secret values in a scenario's log as its output streams in (a script may print the config): a
// value split across two chunks is masked too, since only trailing bytes that begin a value wait for the next chunk.
import { MASK, MIN_SEARCHED_SECRET } from '../shared/secrets.js';

const MASK_BYTES = Buffer.from(MASK);
const EMPTY = Buffer.alloc(0);

/**
 * Masks known secret values in one stream of bytes written in chunks (one masker per stream): what it writes is what
 * masking the whole stream at once gives (leftmost value first; the longest of those starting there).
 */
export class StreamMasker {
  /** The values as bytes, longest first: at one position the longest value is masked whole. */
  private readonly needles: Buffer[];
  /** The most trailing bytes that can begin a value (the longest value's length − 1). */
  private readonly keep: number;
  private carry: Buffer = EMPTY;

  constructor(secrets: readonly string[]) {
    this.needles = [...new Set(secrets)]
      .filter((s) => s.length >= MIN_SEARCHED_SECRET)
      .map((s) => Buffer.from(s, 'utf8'))
      .sort((a, b) => b.length - a.length);
    this.keep = this.needles.length === 0 ? 0 : this.needles[0].length - 1;
  }

  /** What can be written of `chunk` now, masked (the chunk itself when there is nothing to mask). */
  push(chunk: Buffer): Buffer {
    if (this.needles.length === 0) return chunk;
    const data = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const { out, rest } = this.mask(data, false);
    // A copy: the carry must not keep a whole large chunk alive.
    this.carry = rest.length === 0 ? EMPTY : Buffer.from(rest);
    return out;
  }

  /** The bytes still held back, masked: call once when the stream has ended. */
  end(): Buffer {
    const { out } = this.mask(this.carry, true);
    this.carry = EMPTY;
    return out;
  }

  /**
   * Masks, left to right, every value found whole in `data` before the first place where a value may begin that the
   * next chunk would complete (the end of `data` when `final`). Returns the bytes up to that place, and the rest.
   */
  private mask(data: Buffer, final: boolean): { out: Buffer; rest: Buffer } {
    const parts: Buffer[] = [];
    // Per value: where it next occurs at or after `at` (-1: nowhere), searched again only once `at` has passed it.
    const next = this.needles.map((n) => data.indexOf(n));
    let at = 0;
    let hold = final ? data.length : this.cutStart(data, 0);
    for (;;) {
      let best = -1;
      let length = 0;
      for (let k = 0; k < this.needles.length; k++) {
        if (next[k] >= 0 && next[k] < at) next[k] = data.indexOf(this.needles[k], at);
        // Longest first: at one position the first value found is the longest.
        if (next[k] >= 0 && next[k] < hold && (best < 0 || next[k] < best)) {
          best = next[k];
          length = this.needles[k].length;
        }
      }
      if (best < 0) break;
      parts.push(data.subarray(at, best), MASK_BYTES);
      at = best + length;
      // A value found whole that ran past the held place wins (it starts first): look for the held place after it.
      if (at > hold) hold = this.cutStart(data, at);
    }
    parts.push(data.subarray(at, hold));
    return { out: parts.length === 1 ? parts[0] : Buffer.concat(parts), rest: data.subarray(hold) };
  }

  /** The first position at or after `from` where the rest of `data` is a value's beginning, not the whole value; else its length. */
  private cutStart(data: Buffer, from: number): number {
    for (let q = Math.max(from, data.length - this.keep); q < data.length; q++) {
      const left = data.length - q;
      for (const n of this.needles) if (n.length > left && n[0] === data[q] && data.compare(n, 0, left, q) === 0) return q;
    }
    return data.length;
  }
}
