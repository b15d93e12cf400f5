// Bundle shim for readable-stream/lib/_stream_writable.js: Node's own Writable.
module.exports = require('node:stream').Writable;
