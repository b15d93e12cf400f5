// jest transformer: TypeScript (and the ES modules of ESM-only packages) to CommonJS with esbuild, one file at a time.
// Types are tsc's job (`npm run lint` type-checks). `import.meta.url` becomes the file's own URL and a
// dynamic `import()` a `require`, which is what they are in CommonJS.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const { transformSync, version } = require('esbuild');

/** This file's own text is part of every cache key, so a change to the options below invalidates jest's cache. */
const SELF = readFileSync(__filename);

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha256').update(`${version}\0${path}\0`).update(SELF).update(source).digest('hex');
  },
  process(source, path) {
    const { code, map } = transformSync(source, {
      loader: path.endsWith('.ts') ? 'ts' : 'js',
      format: 'cjs',
      target: 'node20',
      define: { 'import.meta.url': JSON.stringify(pathToFileURL(path).href) },
      supported: { 'dynamic-import': false },
      sourcefile: path,
      sourcemap: 'external',
    });
    return { code, map };
  },
};
