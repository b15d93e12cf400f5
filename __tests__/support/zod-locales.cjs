'use strict';
// Test support: zod's table of error-message locales, loaded when first read. zod's CommonJS build requires all of its
// ~60 locale modules whenever `zod/mini` is imported; no test or source reads them, and jest loads every module afresh
// in each test file, so jest.config.js maps zod's `require("../locales/index.cjs")` here.
const path = require('node:path');

let real;
const load = () => (real ??= require(path.join(__dirname, '..', '..', 'node_modules', 'zod', 'v4', 'locales', 'index.cjs')));

// `__esModule` answered without loading: zod's `__importStar` then keeps this object as it is instead of copying it.
module.exports = new Proxy(Object.create(null), {
  get: (_, key) => (key === '__esModule' ? true : load()[key]),
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  // Reported configurable: a proxy may not claim a non-configurable property its (empty) target lacks.
  getOwnPropertyDescriptor: (_, key) => {
    const d = Object.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});
