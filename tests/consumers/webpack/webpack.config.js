// A plain webpack 5 setup for the browser: no wasm plugin, no experiments. The package's
// `default` export condition gives the browser build; webpack emits totpkit_bg.wasm as an asset
// from the package's `new URL('totpkit_bg.wasm', import.meta.url)`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export default {
  mode: 'production',
  target: 'web',
  context: here,
  entry: './src/main.js',
  output: { path: join(here, 'dist'), filename: 'main.js', clean: true },
};
