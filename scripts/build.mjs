// Bundles the CLI and the library with esbuild: one file per entry plus lazily loaded chunks per command.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a real require.
  banner: { js: "import { createRequire as __wgpCreateRequire } from 'node:module'; const require = __wgpCreateRequire(import.meta.url);" },
});

// Validate the shipped policy files and precompile them (a cold `plan` then needs no YAML parser).
const { compileBundledPolicies } = await import('../dist/compile-policies.mjs');
await compileBundledPolicies();
