// Cloudflare Workers / workerd: the .wasm is imported as a module (workerd refuses to compile
// wasm from bytes at run time) and instantiated before the Worker's first line.
import module from './totpkit_bg.wasm';
import { initSync } from './totpkit.js';

initSync({ module });
export * from './totpkit.js';
export { default } from './totpkit.js';
