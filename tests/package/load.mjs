// Loads the built package (pkg/) in Node the way a consumer of the --target web build does:
// import the module, then initSync with the .wasm read from disk (Node 20's fetch cannot read
// file: URLs, so `await init()` fails there). The ONE place the Node suites decide how the
// package is loaded: when the package's loading changes, only this file changes.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');

/** The package's module namespace, initialised. */
export const tk = await import(pathToFileURL(join(pkgDir, 'totpkit.js')).href);
tk.initSync({ module: readFileSync(join(pkgDir, 'totpkit_bg.wasm')) });
