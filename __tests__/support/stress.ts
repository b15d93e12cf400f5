// Sizes of the stress-sized tests and sweeps: small in `npm test`, full under `npm run stress` (and `npm run sweeps`
// for the case corpora and the differential tests). Each shrunk sweep names both sizes here or at its use, so the full
// one is never lost.
export const STRESS = process.env.WG_POLICY_STRESS === '1';

/** `small` in `npm test`, `full` under `npm run stress`. */
export function sized<T>(small: T, full: T): T {
  return STRESS ? full : small;
}

/**
 * The items a sweep over a corpus runs: all of them in full runs; in `npm test` every `every`-th (counted in the
 * corpus's own order, so each file of cases contributes) and every item `always` keeps.
 */
export function sweep<T>(items: readonly T[], every: number, always: (item: T) => boolean = () => false, full = STRESS): T[] {
  return full ? [...items] : items.filter((item, i) => i % every === 0 || always(item));
}

/** Processes writing to one decision log at once. */
export const WRITERS = sized(4, 8);

/** Decisions each of them records. */
export const EACH = sized(25, 250);

/** A timing line, printed only by `npm run stress` (the default run prints nothing but jest's own output). */
export function report(line: string): void {
  if (STRESS) process.stdout.write(`${line}\n`);
}
