// Masks the config's secret values in a scenario's output as it streams in (a script may print the config).
import { coveredSpans, MASK } from '../shared/mask-values.js';
import { searchable } from '../shared/secrets.js';

const MASK_BYTES = Buffer.from(MASK);
const EMPTY = Buffer.alloc(0);

/**
 * Masks known secret values in one stream of bytes written in chunks (one masker per stream): what it writes is what
 * masking the whole stream at once with maskValues gives (each span the values cover becomes `***`). A value split
 * across two chunks is masked too: only trailing bytes that begin a value wait for the next chunk.
 */
export class StreamMasker {
  private readonly needles: Buffer[];
  /** The most trailing bytes that can begin a value (the longest value's length − 1). */
  private readonly keep: number;
  private carry: Buffer = EMPTY;
  /** How many bytes at the start of `carry` a span already masked (its `***` written) goes on to cover. */
  private cover = 0;

  constructor(secrets: readonly string[]) {
    this.needles = searchable(secrets).map((s) => Buffer.from(s, 'utf8'));
    this.keep = Math.max(0, ...this.needles.map((n) => n.length - 1));
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

  /** The bytes still held back, masked: call when the stream has ended (again: nothing more). */
  end(): Buffer {
    const { out } = this.mask(this.carry, true);
    this.carry = EMPTY;
    return out;
  }

  /**
   * Masks the spans of `data` that start before the first place where a value may begin that the next chunk would
   * complete (the end of `data` when `final`). Returns the bytes up to that place, and the rest, which waits for more.
   */
  private mask(data: Buffer, final: boolean): { out: Buffer; rest: Buffer } {
    const hold = final ? data.length : this.heldFrom(data);
    const spans = coveredSpans<Uint8Array>(data, this.needles);
    if (this.cover > 0) {
      if (spans.length > 0 && spans[0][0] < this.cover) spans[0][1] = Math.max(spans[0][1], this.cover);
      else spans.unshift([0, this.cover]);
    }
    const parts: Buffer[] = [];
    let at = 0;
    let cover = 0;
    for (const [start, end] of spans) {
      // A span that goes on from the last chunk had its `***` written then (so it counts even when nothing else can go).
      const goesOn = start === 0 && this.cover > 0;
      if (start >= hold && !goesOn) break;
      if (start > at) parts.push(data.subarray(at, start));
      if (!goesOn) parts.push(MASK_BYTES);
      if (end > hold) {
        cover = end - hold;
        at = hold;
        break;
      }
      at = end;
    }
    if (at < hold) parts.push(data.subarray(at, hold));
    this.cover = final ? 0 : cover;
    return { out: parts.length === 1 ? parts[0] : Buffer.concat(parts), rest: data.subarray(hold) };
  }

  /** The first position where the rest of `data` is a value's beginning, not the whole value; else its length. */
  private heldFrom(data: Buffer): number {
    for (let q = Math.max(0, data.length - this.keep); q < data.length; q++) {
      const left = data.length - q;
      for (const n of this.needles) if (n.length > left && n[0] === data[q] && data.compare(n, 0, left, q) === 0) return q;
    }
    return data.length;
  }
}
