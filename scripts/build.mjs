// Bundles the CLI and the library with esbuild: one file per entry plus lazily loaded chunks per command.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

// `import { z } from 'zod/mini'` imports a namespace object that defeats tree-shaking (all of zod, locales
// included, lands on the cold path); the code base uses `import * as z from 'zod/mini'` instead.
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const offenders = walk('src').filter((f) => /import\s*\{\s*z\s*\}\s*from\s*'zod/.test(readFileSync(f, 'utf8')));
if (offenders.length) {
  console.error(`build: use \`import * as z from 'zod/mini'\` in ${offenders.join(', ')}`);
  process.exit(1);
}

// Swap two dependencies for smaller equivalents in the bundle (see scripts/shims/): jsonpath-plus is never
// called (plain dotted paths only) and readable-stream duplicates Node's built-in streams.
const shim = (f) => ({ path: new URL(`./shims/${f}`, import.meta.url).pathname });
const shims = {
  name: 'shims',
  setup(b) {
    b.onResolve({ filter: /^jsonpath-plus$/ }, () => shim('no-jsonpath.mjs'));
    b.onResolve({ filter: /^readable-stream\/lib\/_stream_writable(\.js)?$/ }, () => shim('stream-writable.cjs'));
    b.onResolve({ filter: /^readable-stream$/ }, () => shim('readable-stream.cjs'));
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', 'compile-policies': 'src/policy/compile.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  packages: 'bundle',
  plugins: [shims],
  minify: true,
  // Dependencies pick their lean production code paths (e.g. winston's debug helper).
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a real require.
  banner: { js: "import { createRequire as __wgpCreateRequire } from 'node:module'; const require = __wgpCreateRequire(import.meta.url);" },
});

// Validate the shipped policy files and precompile them (a cold `plan` then needs no YAML parser).
const { compileBundledPolicies } = await import('../dist/compile-policies.mjs');
await compileBundledPolicies();
