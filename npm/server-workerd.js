// totpkit/server on Cloudflare Workers / workerd: the .wasm is imported as a module (workerd
// refuses to compile wasm from bytes at run time) and instantiated before the Worker's first line.
import module from './server_bg.wasm';
import { initSync } from './server-glue.js';

initSync({ module });
export * from './server.js';
