// Test support: a TypeScript entry bundled (esbuild) into one ES module that child processes run, built once and kept in
// node_modules/.cache/wg-policy-tests until one of its inputs changes (every test file and run reuses it).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'wg-policy-tests');

/** The sha256 of each input file (paths relative to ROOT); null when one is gone. */
function digests(inputs: readonly string[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const file of inputs) {
    try {
      out[file] = createHash('sha256')
        .update(fs.readFileSync(path.join(ROOT, file)))
        .digest('hex');
    } catch {
      return null;
    }
  }
  return out;
}

/** Whether the bundle at `outfile` was built from exactly the inputs its stamp names, as they are now. */
function fresh(outfile: string, stamp: string): boolean {
  try {
    const recorded = JSON.parse(fs.readFileSync(stamp, 'utf8')) as Record<string, string>;
    return fs.existsSync(outfile) && JSON.stringify(digests(Object.keys(recorded))) === JSON.stringify(recorded);
  } catch {
    return false;
  }
}

/**
 * Bundles `entry` (a path relative to the project root, or absolute) with its dependencies into `<cache>/<name>.mjs` and
 * returns its path; reuses the last bundle while none of its inputs changed. Parallel workers may build it at once:
 * each writes its own file and renames it into place, so a reader never sees half a bundle.
 */
export async function bundledChild(entry: string, name: string, cache: string = CACHE): Promise<string> {
  const outfile = path.join(cache, `${name}.mjs`);
  const stamp = path.join(cache, `${name}.inputs.json`);
  if (fresh(outfile, stamp)) return outfile;
  fs.mkdirSync(cache, { recursive: true });
  const own = `${outfile}.${process.pid}.tmp`;
  const { build } = await import('esbuild'); // only when a bundle is (re)built: a cached run never loads esbuild
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: own,
    write: true,
    metafile: true,
    logLevel: 'error',
    // CommonJS dependencies (winston) call require() on Node built-ins: give the ESM bundle a real one.
    banner: { js: "import { createRequire as __wgCreateRequire } from 'node:module'; const require = __wgCreateRequire(import.meta.url);" },
  });
  const inputs = digests(Object.keys(result.metafile.inputs));
  fs.renameSync(own, outfile);
  if (inputs) {
    fs.writeFileSync(`${stamp}.${process.pid}.tmp`, JSON.stringify(inputs));
    fs.renameSync(`${stamp}.${process.pid}.tmp`, stamp);
  }
  return outfile;
}
