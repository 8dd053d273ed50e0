// A plain webpack 5 setup, no wasm plugin, no experiments: the page (target `web`) and a Web
// Worker built for the `webworker` target (which asks for the `worker` export condition). Both
// get the package's browser build through its `default` condition; webpack emits the modules
// init() may load (totpkit_codes_bg.wasm, totpkit_bg.wasm) as assets from the package's
// `new URL('<name>.wasm', import.meta.url)`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const common = { mode: 'production', context: here };

export default [
  { ...common, name: 'page', target: 'web', entry: './src/main.js', output: { path: join(here, 'dist'), filename: 'main.js' } },
  { ...common, name: 'worker', target: 'webworker', entry: './src/worker.js', output: { path: join(here, 'dist'), filename: 'worker.js' } },
];
