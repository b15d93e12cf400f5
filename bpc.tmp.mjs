import { build } from 'esbuild';
await build({ entryPoints: ['src/cli/main.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: 'dist/cli-prof.cjs', packages: 'bundle', logLevel: 'error', define: { 'process.env.NODE_ENV': '"production"' }, logOverride: { 'empty-import-meta': 'silent' } });
