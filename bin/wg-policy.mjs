#!/usr/bin/env node
// wg-policy executable: runs the bundled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import '../dist/cli.mjs';
