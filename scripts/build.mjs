// Bundles the library (ESM and CommonJS, with declaration files) and the CLI (one CommonJS file run through V8's code cache).
import { build } from 'esbuild';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

// `import { z } from 'zod/mini'` imports a namespace object that defeats tree-shaking (all of zod, locales
// included, lands on the cold path); the code base uses `import * as z from 'zod/mini'` instead.
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const offenders = walk('src').filter((f) => /import\s*\{\s*z\s*\}\s*from\s*'zod/.test(readFileSync(f, 'utf8')));
if (offenders.length) {
  console.error(`build: use \`import * as z from 'zod/mini'\` in ${offenders.join(', ')}`);
  process.exit(1);
}

// Swap dependencies for smaller equivalents in the bundle (see scripts/shims/): jsonpath-plus is never called (plain
// dotted paths only), readable-stream duplicates Node's built-in streams, yoctocolors colours only execa's verbose output.
const shim = (f) => ({ path: new URL(`./shims/${f}`, import.meta.url).pathname });
const shims = {
  name: 'shims',
  setup(b) {
    b.onResolve({ filter: /^jsonpath-plus$/ }, () => shim('no-jsonpath.mjs'));
    b.onResolve({ filter: /^readable-stream\/lib\/_stream_writable(\.js)?$/ }, () => shim('stream-writable.cjs'));
    b.onResolve({ filter: /^readable-stream$/ }, () => shim('readable-stream.cjs'));
    b.onResolve({ filter: /^yoctocolors$/ }, () => shim('no-colors.mjs'));
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

// Declaration files for every public export (dist/types), generated from the sources while esbuild bundles.
// `--no-types` (npm test, whose jest run needs none; `npm run lint`'s `tsc --noEmit` checks the sources) leaves them out.
const withTypes = !process.argv.includes('--no-types');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const declarations = new Promise((resolve) => {
  if (!withTypes) return resolve(0);
  const p = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: ['ignore', 'inherit', 'inherit'] });
  p.on('exit', (code) => resolve(code));
});
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'bundle',
  plugins: [shims],
  minify: true,
  // Dependencies pick their lean production code paths (e.g. winston's debug helper).
  define: { 'process.env.NODE_ENV': '"production"' },
  legalComments: 'none',
  logLevel: 'warning',
};

// The library (dist/index.mjs) and the build helper: ES modules, split into shared chunks.
await build({
  ...common,
  entryPoints: {
    index: 'src/index.ts',
    audit: 'src/audit/index.ts',
    'compile-policies': 'src/build/compile-policies.ts',
    'readme-precedence': 'src/build/readme-precedence.ts',
  },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // Some CommonJS dependencies call require() on Node built-ins; give the ESM bundle a real require.
  banner: { js: "import { createRequire as __wgpCreateRequire } from 'node:module'; const require = __wgpCreateRequire(import.meta.url);" },
});

// The library for require() (Node 20 before 20.19 cannot require() an ES module): one CommonJS bundle, so
// `wg-policy` and `wg-policy/audit` share one decision log state as the ES modules do through their chunks.
await build({
  ...common,
  stdin: {
    contents: "export * as main from './src/index.ts'; export * as audit from './src/audit/index.ts';",
    resolveDir: '.',
    loader: 'ts',
    sourcefile: 'lib.ts',
  },
  outfile: 'dist/lib.cjs',
  format: 'cjs',
  logOverride: { 'empty-import-meta': 'silent' }, // package-root.ts uses __filename in CommonJS
});
writeFileSync('dist/index.cjs', "'use strict';\nmodule.exports = require('./lib.cjs').main;\n");
writeFileSync('dist/audit.cjs', "'use strict';\nmodule.exports = require('./lib.cjs').audit;\n");

// Libraries the CLI needs only on rare paths (`matches` patterns that need linear-time regexes, extra audit transports,
// the reference rule engine) are files of their own under dist/vendor/: the cold `plan` neither reads nor
// deserializes their code. The YAML parser, which the gate needs on every run, stays in the bundle (and in its code
// cache) but initialises on first use rather than when config/agency.ts is imported.
const VENDORED = ['re2js', 'winston', 'json-rules-engine'];
const LAZY = ['yaml'];
await build({
  ...common,
  entryPoints: Object.fromEntries(VENDORED.map((name) => [name, name])),
  outdir: 'dist/vendor',
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});
// Each of these libraries is a stand-in whose exports are getters: the library is required when first used, not at import.
const names = async (lib) => {
  const ns = await import(lib);
  const main = ns.default !== null && ['object', 'function'].includes(typeof ns.default) ? ns.default : {};
  return [...new Set([...Object.keys(ns), ...Object.keys(main)])].filter((n) => n !== 'default' && n !== '__esModule');
};
const onFirstUse = {
  name: 'on-first-use',
  setup(b) {
    const filter = new RegExp(`^(${[...VENDORED, ...LAZY].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.importer.includes('/node_modules/') || args.namespace === 'on-first-use' ? undefined : { path: args.path, namespace: 'on-first-use' },
    );
    b.onResolve({ filter: /^\.\/vendor\// }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'on-first-use' }, async (args) => {
      const file = JSON.stringify(VENDORED.includes(args.path) ? `./vendor/${args.path}.cjs` : args.path);
      const getters = (await names(args.path)).map((n) => `  ${JSON.stringify(n)}: { enumerable: true, get: () => load()[${JSON.stringify(n)}] },`);
      return {
        contents: `let lib;\nconst load = () => (lib ??= require(${file}));\nObject.defineProperties(module.exports, {\n${getters.join('\n')}\n});\n`,
        loader: 'js',
        resolveDir: process.cwd(),
      };
    });
  },
};

// The CLI: one CommonJS file, which bin/wg-policy.cjs runs through V8's code cache. Commands still load
// lazily: esbuild keeps each dynamically imported module's top-level code behind its first import.
await build({
  ...common,
  plugins: [...common.plugins, onFirstUse],
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  format: 'cjs',
  // vm.Script (the code cache) has no dynamic import(): a lazily loaded built-in (`await import('node:readline')`) becomes require().
  supported: { 'dynamic-import': false },
  outExtension: { '.js': '.cjs' },
  logOverride: { 'empty-import-meta': 'silent' }, // package-root.ts uses __filename in CommonJS
});

// The declarations again for require(): the same files under a package.json that makes TypeScript read them as CommonJS.
if ((await declarations) !== 0) {
  console.error('build: tsc could not generate the declaration files');
  process.exit(1);
}
if (withTypes) {
  cpSync('dist/types', 'dist/types-cjs', { recursive: true });
  writeFileSync('dist/types-cjs/package.json', '{ "type": "commonjs" }\n');
}

// Validate the shipped policy files and precompile them (a cold `plan` then needs no YAML parser).
const { compileBundledPolicies } = await import('../dist/compile-policies.mjs');
await compileBundledPolicies();

// Warm the code caches with real runs on the demo project (each command has its own cache): `plan` with the
// decision log on (to a scratch log), and `serve` answering one request, so even the first run starts fast.
const demo = new URL('../examples/demo/', import.meta.url).pathname;
const scratchLog = mkdtempSync(join(tmpdir(), 'wgp-build-'));
try {
  const env = { ...process.env, HOME: join(demo, 'home') };
  const dir = join(demo, '.wg');
  const runs = [
    { args: ['plan', 'fix-login', '--dir', dir, '--audit-log', join(scratchLog, 'log.jsonl'), '-q'] },
    { args: ['serve', '--stdio', '--dir', dir, '--no-audit'], input: '{"id":1,"op":"plan","task":"fix-login"}\n' },
  ];
  for (const { args, input } of runs) {
    const warm = spawnSync(process.execPath, ['bin/wg-policy.cjs', ...args], { env, input, stdio: ['pipe', 'ignore', 'inherit'] });
    if (warm.status !== 0) {
      console.error(`build: the built CLI failed to run \`${args[0]}\` on the demo project`);
      process.exit(1);
    }
  }
} finally {
  rmSync(scratchLog, { recursive: true, force: true });
}
