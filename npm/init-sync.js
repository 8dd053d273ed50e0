// `initSync`: the whole module from bytes or a compiled `WebAssembly.Module`, synchronously (the
// Node and Workers entries call it on import). A module of its own because it needs wasm-bindgen's
// glue at once, while front.js imports the glue only when a load starts (so a page that loads the
// QR module alone never fetches the whole one's glue).
import { initSync as instantiate } from './glue.js';
import { TotpkitError } from './error.js';
import { describe, loaded, ready, useRandom } from './front.js';

/** Loads the wasm from bytes or a compiled `WebAssembly.Module`, synchronously; `{ module,
 * random }` may also name the CSPRNG that fills a Uint8Array for new secrets. */
export function initSync(input) {
  if (loaded()) return;
  const module = input && typeof input === 'object' && 'module' in input ? input.module : input;
  if (input && typeof input.random === 'function') useRandom(input.random);
  let exports;
  try {
    exports = instantiate({ module });
  } catch (e) {
    throw new TotpkitError('NotInitialized', `totpkit could not instantiate its wasm from ${describe(module)}: ${e && e.message}`);
  }
  ready(exports);
}
