// Loads the built package (pkg/) in Node the way a Node consumer gets it: `import` resolves to the
// Node entry (node.js), which instantiates the wasm on import, so there is no init call. The ONE
// place the shared API suite decides how the package is loaded in Node. (tests/node/package.test.mjs
// and qr.test.mjs load the browser build with initSync instead, so both paths stay tested.)
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');

/** The package's module namespace, ready to use. */
export const tk = await import(pathToFileURL(join(pkgDir, 'node.js')).href);
