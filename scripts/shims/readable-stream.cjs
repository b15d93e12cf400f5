// Bundle shim: readable-stream is a userland copy of Node's streams; on Node 20 the built-in module has the same API.
const stream = require('node:stream');
module.exports = stream;
module.exports.Readable = stream.Readable;
module.exports.Writable = stream.Writable;
module.exports.Duplex = stream.Duplex;
module.exports.Transform = stream.Transform;
module.exports.PassThrough = stream.PassThrough;
module.exports.Stream = stream.Stream;
module.exports.finished = stream.finished;
module.exports.pipeline = stream.pipeline;
