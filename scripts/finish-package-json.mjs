// Completes the package.json wasm-pack generated from Cargo.toml: the fields bundlers and
// TypeScript read (`exports`, `types`, `sideEffects`) and the files npm should ship.
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2];
const pkg = JSON.parse(readFileSync(path, 'utf8'));
pkg.type = 'module';
pkg.main = 'totpkit.js';
pkg.module = 'totpkit.js';
pkg.types = 'totpkit.d.ts';
pkg.sideEffects = false;
pkg.files = ['totpkit.js', 'totpkit.d.ts', 'totpkit_bg.wasm', 'totpkit_bg.wasm.d.ts', 'snippets/', 'README.md'];
pkg.exports = {
  '.': { types: './totpkit.d.ts', default: './totpkit.js' },
  './totpkit_bg.wasm': './totpkit_bg.wasm',
  './package.json': './package.json',
};
writeFileSync(path, JSON.stringify(pkg, null, 2) + '\n');
