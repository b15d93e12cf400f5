// Sizes of the stress-sized tests: small in `npm test`, full under `npm run stress` (and `npm run differential` for
// the differential test). Each shrunk sweep names both sizes here or at its use, so the full one is never lost.
export const STRESS = process.env.WG_POLICY_STRESS === '1';

/** `small` in `npm test`, `full` under `npm run stress`. */
export function sized<T>(small: T, full: T): T {
  return STRESS ? full : small;
}

/** Processes writing to one decision log at once. */
export const WRITERS = sized(4, 8);

/** Decisions each of them records. */
export const EACH = sized(25, 250);

/** A timing line, printed only by `npm run stress` (the default run prints nothing but jest's own output). */
export function report(line: string): void {
  if (STRESS) process.stdout.write(`${line}\n`);
}
