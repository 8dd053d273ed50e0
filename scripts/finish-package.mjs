// Assembles pkg/ around the wasm and its glue (scripts/build-pkg.sh made those): the typed front,
// the per-runtime entries, the README and licenses, and package.json with its `exports`.
//
// Entries, chosen by `exports` conditions so one `import ... from 'totpkit'` works everywhere:
// - browsers and bundlers (`default`): totpkit.js; `await init()` fetches totpkit_bg.wasm.
// - Node, Deno, Bun (`node`, `deno`, `bun`): node.js (ESM) and node.cjs (CJS `require`), which
//   carry the wasm inline (base64) and instantiate it synchronously on import: no init call, no
//   file path, no read permission, and nothing for a server bundler (Next.js route handlers,
//   webpack, Turbopack) to resolve or copy. Servers don't count bytes; pages never load these.
// - Cloudflare Workers / workerd (`workerd`): workerd.js imports the .wasm as a module, since
//   workerd refuses to compile wasm from bytes at run time. Not `worker`: wrangler asks for
//   `workerd` before it, and webpack's `webworker` target asks for `worker` too, for browser Web
//   Workers, where a .wasm module import does not build (tests/e2e/runtimes.spec.mjs).
import { readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"$`, 'm'))?.[1];

for (const f of ['totpkit.js', 'totpkit.d.ts', 'elements.js', 'elements.d.ts', 'workerd.js', 'README.md']) copyFileSync(join(root, 'npm', f), join(pkg, f));
for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) copyFileSync(join(root, f), join(pkg, f));

// The Node entries carry the wasm inline, as base64, so nothing has to find a file at run time.
// Each is one bundled file (the front, the glue and the wasm): Node's module loader costs about a
// millisecond per file, and one file instead of four took ~3 ms off a cold start. node.js is ES
// modules (importing a CommonJS file from ESM makes Node scan it for export names, ~5 ms more);
// node.cjs is the same for `require`. A process that uses both gets two instances; TotpkitError's
// brand keeps `instanceof` true across them. Whitespace and syntax are minified, names are kept,
// so a server's stack traces stay readable.
const wasm = readFileSync(join(pkg, 'totpkit_bg.wasm')).toString('base64');
const entry = join(pkg, '.node-entry.mjs');
writeFileSync(
  entry,
  `import { randomFillSync } from 'node:crypto';
import { initSync } from './totpkit.js';

const b64 = ${JSON.stringify(wasm)};
initSync({
  module: typeof Buffer === 'function' ? Buffer.from(b64, 'base64') : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
  random: randomFillSync,
});
export * from './totpkit.js';
export { default } from './totpkit.js';
`,
);
for (const [format, file] of [['esm', 'node.js'], ['cjs', 'node.cjs']]) {
  buildSync({
    entryPoints: [entry],
    bundle: true,
    format,
    platform: 'node',
    target: 'node18',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    banner: { js: '// totpkit for Node, Deno and Bun: the wasm inline, instantiated on import (scripts/finish-package.mjs in the totpkit repository).' },
    outfile: join(pkg, file),
    logOverride: { 'empty-import-meta': 'silent' },
  });
}
rmSync(entry);

const manifest = {
  name: 'totpkit',
  version: field('version'),
  description: field('description'),
  license: 'MIT OR Apache-2.0',
  repository: { type: 'git', url: field('repository') },
  keywords: ['totp', '2fa', 'otp', 'qrcode', 'webassembly', 'authenticator'],
  type: 'module',
  main: 'node.cjs',
  module: 'totpkit.js',
  types: 'totpkit.d.ts',
  sideEffects: ['./node.js', './node.cjs', './workerd.js', './elements.js'],
  files: ['totpkit.js', 'glue.js', 'totpkit.d.ts', 'elements.js', 'elements.d.ts', 'totpkit_bg.wasm', 'node.js', 'node.cjs', 'workerd.js', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE'],
  exports: {
    '.': {
      types: './totpkit.d.ts',
      workerd: './workerd.js',
      deno: './node.js',
      bun: './node.js',
      node: { import: './node.js', require: './node.cjs' },
      default: './totpkit.js',
    },
    // The enrollment UI (custom elements): browsers only, on the browser entry's instance.
    './elements': { types: './elements.d.ts', default: './elements.js' },
    './totpkit_bg.wasm': './totpkit_bg.wasm',
    './package.json': './package.json',
  },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
