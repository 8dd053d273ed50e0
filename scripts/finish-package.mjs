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
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"$`, 'm'))?.[1];

for (const f of ['totpkit.js', 'totpkit.d.ts', 'workerd.js', 'README.md']) copyFileSync(join(root, 'npm', f), join(pkg, f));
for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) copyFileSync(join(root, f), join(pkg, f));

// The Node entry is one CommonJS file with the wasm inline (base64), and node.js re-exports it
// for `import`: a process that both imports and requires totpkit gets one instance and one
// TotpkitError class, not two.
const wasm = readFileSync(join(pkg, 'totpkit_bg.wasm')).toString('base64');
const entry = join(pkg, 'node-entry.js');
writeFileSync(
  entry,
  `import { initSync } from './totpkit.js';
const b64 = ${JSON.stringify(wasm)};
let bytes;
if (typeof Buffer === 'function') {
  bytes = Buffer.from(b64, 'base64');
} else {
  const b = atob(b64);
  bytes = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) bytes[i] = b.charCodeAt(i);
}
initSync({ module: bytes });
export * from './totpkit.js';
export { default } from './totpkit.js';
`,
);
buildSync({
  entryPoints: [entry],
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  outfile: join(pkg, 'node.cjs'),
  banner: { js: '// Node, Deno and Bun: the wasm inline, instantiated on require (see scripts/finish-package.mjs).' },
  logOverride: { 'empty-import-meta': 'silent' },
});
rmSync(entry);
const names = Object.keys(await import(pathToFileURL(join(pkg, 'totpkit.js')).href)).filter((k) => k !== 'default');
writeFileSync(
  join(pkg, 'node.js'),
  `// Node, Deno and Bun, for \`import\`: the CommonJS entry's single instance (see scripts/finish-package.mjs).
import totpkit from './node.cjs';
export const { ${names.join(', ')} } = totpkit;
export default totpkit.default;
`,
);

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
  sideEffects: ['./node.js', './node.cjs', './workerd.js'],
  files: ['totpkit.js', 'glue.js', 'totpkit.d.ts', 'totpkit_bg.wasm', 'node.js', 'node.cjs', 'workerd.js', 'README.md', 'LICENSE-MIT', 'LICENSE-APACHE'],
  exports: {
    '.': {
      types: './totpkit.d.ts',
      workerd: './workerd.js',
      deno: './node.js',
      bun: './node.js',
      node: { import: './node.js', require: './node.cjs' },
      default: './totpkit.js',
    },
    './totpkit_bg.wasm': './totpkit_bg.wasm',
    './package.json': './package.json',
  },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
