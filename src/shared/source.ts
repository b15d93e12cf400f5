// Where a decided value came from: one shape for plan provenance, gate verdicts and decision records.
import * as z from 'zod/mini';

/**
 * Layers: `task` (graph.jsonl or --task-json), `cli` (flags and env the caller passed), `local` / `global` (wg config),
 * `default` (a literal in a rule), `manifest` (the smoke manifest), `run` (what the scenario runs produced).
 */
export const LayerSchema = z.enum(['task', 'cli', 'local', 'global', 'default', 'manifest', 'run']);
export type Layer = z.infer<typeof LayerSchema>;

/** A value that fed a decision, with the file and key it was read from; `via` names the field it reached a later stage through. */
export const SourceSchema = z.object({
  layer: LayerSchema,
  file: z.nullable(z.string()),
  key: z.string(),
  value: z.unknown(),
  via: z.optional(z.string()),
});
export type Source = z.infer<typeof SourceSchema>;

/** Maps a fact path a rule read (with the value it saw, and the facts at that moment) to the sources behind it. */
export type SourceMapper = (fact: string, path: string | undefined, value: unknown, facts?: Readonly<Record<string, unknown>>) => Source[];

/** A source's identity for dedupeSources: `layer|file|key|via`. */
const identity = (s: Source) => `${s.layer}|${s.file}|${s.key}|${s.via ?? ''}`;
/** Fields for which comparing field by field gives the same answer as comparing identities (no `|`, no file named `null`). */
const plain = (s: Source) =>
  !s.layer.includes('|') && !s.key.includes('|') && (s.file === null || (s.file !== 'null' && !s.file.includes('|'))) && !(s.via ?? '').includes('|');

/** Sources without repeats (same layer, file, key and via), first occurrence kept. */
export function dedupeSources(sources: readonly Source[]): Source[] {
  const out: Source[] = [];
  const plainOut: boolean[] = []; // plain(out[j]), worked out once per kept source
  next: for (const s of sources) {
    const fast = plain(s);
    for (let j = 0; j < out.length; j++) {
      const o = out[j];
      if (o === s) continue next; // shared source objects (config keys, earlier fields) repeat often
      const same =
        fast && plainOut[j] ? o.layer === s.layer && o.file === s.file && o.key === s.key && (o.via ?? '') === (s.via ?? '') : identity(o) === identity(s);
      if (same) continue next;
    }
    out.push(s);
    plainOut.push(fast);
  }
  return out;
}
