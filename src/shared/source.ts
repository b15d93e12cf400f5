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

/** Sources without repeats (same layer, file, key and via). */
export function dedupeSources(sources: readonly Source[]): Source[] {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const k = `${s.layer}|${s.file}|${s.key}|${s.via ?? ''}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
