// jest transformer: TypeScript to JavaScript with esbuild, one file at a time (types are tsc's job in `npm test`).
'use strict';
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

module.exports = {
  getCacheKey(source, path, options) {
    return createHash('sha256')
      .update(`${version}\0${path}\0${options.supportsStaticESM ? 'esm' : 'cjs'}\0`)
      .update(source)
      .digest('hex');
  },
  process(source, path, options) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      format: options.supportsStaticESM ? 'esm' : 'cjs',
      target: 'node20',
      sourcefile: path,
      sourcemap: 'external',
    });
    return { code, map };
  },
};
