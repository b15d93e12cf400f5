// Sizes of the many-writer tests: small in `npm test`, the full 8 processes × 250 under `npm run stress`.
export const STRESS = process.env.WG_POLICY_STRESS === '1';

/** Processes writing to one decision log at once. */
export const WRITERS = STRESS ? 8 : 4;

/** Decisions each of them records. */
export const EACH = STRESS ? 250 : 25;

/** A timing line, printed only by `npm run stress` (the default run prints nothing but jest's own output). */
export function report(line: string): void {
  if (STRESS) process.stdout.write(`${line}\n`);
}
