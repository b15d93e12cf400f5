// Locates the installed wg-policy package (for bundled policies), from source or from the bundle.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding wg-policy's package.json. */
export function packageRoot(): string {
  if (cached) return cached;
  // The CLI bundle is CommonJS (faster to start) and has __filename; the sources and the library are ES modules.
  let dir = dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && /"name":\s*"wg-policy"/.test(readFileSync(pj, 'utf8'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('wg-policy package root not found');
    dir = up;
  }
}
