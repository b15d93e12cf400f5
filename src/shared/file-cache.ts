// Inputs read once per process: a parsed file is kept while a stat says it is unchanged (inode, size, mtime, ctime).
import fs from 'node:fs';
import path from 'node:path';

/**
 * File timestamps tick coarsely (a kernel tick, up to 10 ms): a file rewritten twice within one tick with the same size
 * keeps its signature. An entry loaded that soon after the file's mtime is "racy" and is loaded again on the next use.
 */
const RACY_MS = 50;

/** True when something loaded now from a file modified at `mtimeMs` must be loaded again next time (see RACY_MS). */
export const isRacy = (mtimeMs: number): boolean => Date.now() - mtimeMs < RACY_MS;

const OFF = process.env.WG_POLICY_NO_CACHE === '1';

/** `WG_POLICY_NO_CACHE=1` (read once per process): every input is read and parsed on every use (the same output, only slower). */
export const cachesOff = (): boolean => OFF;

/** Paths joined once per process (a bounded memo: callers join the same few folders and names on every plan). */
const joins = new Map<string, Map<string, string>>();

/** `path.join(dir, name)`, computed once per pair. */
export function joinOnce(dir: string, name: string): string {
  let byName = joins.get(dir);
  if (!byName) {
    if (joins.size >= 256) joins.clear();
    joins.set(dir, (byName = new Map()));
  }
  let p = byName.get(name);
  if (p === undefined) {
    if (byName.size >= 256) byName.clear();
    byName.set(name, (p = path.join(dir, name)));
  }
  return p;
}

/** What a stat says about a file: its identity and version, `missing`, or `error` (never cached: the loader reports it). */
export type FileState =
  { kind: 'file'; dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number; mode: number } | { kind: 'missing' | 'error' };

const MISSING: FileState = { kind: 'missing' };
const ERROR: FileState = { kind: 'error' };

/** While a batch of requests is answered (see `oneCheckPerBatch`): the state each path had when first looked at. */
let batchStates: Map<string, FileState> | null = null;

/**
 * Runs `answer` (which answers requests that had all been received before it started) with one stat per input file
 * for all of them: an edit finished before a request was sent is finished before the batch's first stat, so every
 * answer still sees it.
 */
export async function oneCheckPerBatch<T>(answer: () => Promise<T>): Promise<T> {
  const outer = batchStates;
  batchStates = OFF ? null : new Map();
  try {
    return await answer();
  } finally {
    batchStates = outer;
  }
}

/**
 * Runs `fn` inside a batch as if there were none (every use stats afresh), and starts the batch's checks anew after
 * it: for a request that may change files itself while it runs (a gate's scenarios).
 */
export async function outsideTheBatch<T>(fn: () => Promise<T>): Promise<T> {
  const outer = batchStates;
  batchStates = null;
  try {
    return await fn();
  } finally {
    batchStates = outer && new Map();
  }
}

/** One stat of `path` (a folder works too: its mtime changes when an entry is added, removed or renamed). */
export function stateOf(path: string): FileState {
  const seen = batchStates?.get(path);
  if (seen) return seen;
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(path, { throwIfNoEntry: false });
  } catch {
    return ERROR; // ENOTDIR and the like: never kept
  }
  const state: FileState = st ? { kind: 'file', dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, mode: st.mode } : MISSING;
  batchStates?.set(path, state);
  return state;
}

/** True when two states say the file is the same version (an error is never the same as anything). */
export function sameState(a: FileState, b: FileState): boolean {
  if (a.kind === 'file' && b.kind === 'file')
    return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.dev === b.dev && a.mode === b.mode;
  return a.kind === 'missing' && b.kind === 'missing';
}

/** A file's state as one string (for signatures that combine several files). */
export function signatureOf(path: string): { signature: string; mtimeMs: number } {
  const s = stateOf(path);
  if (s.kind !== 'file') return { signature: s.kind, mtimeMs: 0 };
  return { signature: `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.mode}`, mtimeMs: s.mtimeMs };
}

interface Entry<T> {
  variant: string;
  state: FileState;
  value: T;
  /** Kept while the entry is racy: the content the value was parsed from, compared on the next use. */
  content?: string;
}

/**
 * Parsed files by path, each revalidated by one stat on every use. A load that throws is not kept, so a half-written
 * file is an error now and the next good version is picked up. A racy entry (see RACY_MS) is checked against the
 * file's content until it is not racy any more. At most `max` entries (the oldest goes first).
 */
export class FileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  constructor(private readonly max = 256) {}

  /**
   * The value parsed from the content `read()` returns for `path` (for `variant`: e.g. how the file is shown in
   * messages), kept while the file is unchanged.
   */
  get(path: string, read: () => string | undefined, parse: (content: string | undefined) => T, variant = ''): T {
    return this.lookup(path, read, parse, variant, stateOf(path));
  }

  /** As `get`, but undefined (nothing read) when the file does not exist: one stat answers both questions. */
  getIfPresent(path: string, read: () => string | undefined, parse: (content: string | undefined) => T, variant = ''): T | undefined {
    const state = stateOf(path);
    return state.kind === 'missing' ? undefined : this.lookup(path, read, parse, variant, state);
  }

  private lookup(path: string, read: () => string | undefined, parse: (content: string | undefined) => T, variant: string, state: FileState): T {
    if (OFF) return parse(read());
    const hit = this.entries.get(path);
    if (hit && hit.variant === variant && sameState(hit.state, state)) {
      if (hit.content === undefined) return hit.value;
      // Racy: the same stat may hide a rewrite; the content decides.
      const content = read();
      if (content === hit.content) {
        if (state.kind !== 'file' || !isRacy(state.mtimeMs)) hit.content = undefined;
        return hit.value;
      }
      return this.store(path, variant, state, content, parse(content));
    }
    const content = read();
    return this.store(path, variant, state, content, parse(content));
  }

  private store(path: string, variant: string, state: FileState, content: string | undefined, value: T): T {
    if (state.kind === 'error') return value;
    this.entries.delete(path);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    const racy = state.kind === 'file' && isRacy(state.mtimeMs);
    this.entries.set(path, { variant, state, value, content: racy ? (content ?? '') : undefined });
    return value;
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries.clear();
  }
}
