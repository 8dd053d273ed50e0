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
// - `totpkit/server` (server.js over its own wasm, server_bg.wasm, and its glue server-glue.js):
//   the same conditions, server-node.js/.cjs with the wasm inline and server-workerd.js with the
//   module import. A second module, so a page's bundle never carries the server policy;
//   `totpkit/server/postgres` and `totpkit/server/sqlite` are its stores, plain ES modules whose
//   drivers (`pg`, `better-sqlite3`) are optional peer dependencies.
import { readFileSync, writeFileSync, copyFileSync, rmSync, mkdirSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WIRE, FRONT, parseWire, check } from './wire.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'pkg');

// The front must speak the wire the wasm was built from (wasm/wire.json; scripts/wire.mjs).
const wireErrors = check(parseWire(readFileSync(WIRE, 'utf8')), readFileSync(FRONT, 'utf8'));
if (wireErrors.length) {
  console.error(`npm/front.js and wasm/wire.json disagree (node scripts/wire.mjs --check):\n- ${wireErrors.join('\n- ')}`);
  process.exit(1);
}
const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const field = (name) => cargo.match(new RegExp(`^${name} = "(.*)"$`, 'm'))?.[1];

// The browser front, its wasm-free rules (code.js, clock.js: a login page needs only these) and
// the error class every module shares.
const FRONT_FILES = ['totpkit.js', 'front.js', 'whole.js', 'qr.js', 'init-sync.js', 'qr-load.js', 'totpkit.d.ts', 'code.js', 'clock.js', 'uri.js', 'args.js', 'error.js', 'elements.js', 'elements.d.ts', 'workerd.js'];
for (const f of [...FRONT_FILES, 'README.md']) copyFileSync(join(root, 'npm', f), join(pkg, f));
// The elements, one module each (`totpkit/elements/<name>`) over their shared base.
mkdirSync(join(pkg, 'elements'), { recursive: true });
for (const f of readdirSync(join(root, 'npm', 'elements'))) copyFileSync(join(root, 'npm', 'elements', f), join(pkg, 'elements', f));
for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) copyFileSync(join(root, f), join(pkg, f));
// The elements' languages, one module each (`totpkit/elements/locales/<tag>`), and their types.
mkdirSync(join(pkg, 'locales'), { recursive: true });
for (const f of readdirSync(join(root, 'npm', 'locales'))) copyFileSync(join(root, 'npm', 'locales', f), join(pkg, 'locales', f));
const SERVER_FILES = ['server.js', 'server-random.js', 'server.d.ts', 'server-workerd.js', 'server-postgres.js', 'server-postgres.d.ts', 'server-sqlite.js', 'server-sqlite.d.ts'];
for (const f of SERVER_FILES) copyFileSync(join(root, 'npm', f), join(pkg, f));

// The Node entries carry the wasm inline, as base64, so nothing has to find a file at run time.
// Each is one bundled file (the front, the glue and the wasm): Node's module loader costs about a
// millisecond per file, and one file instead of four took ~3 ms off a cold start. node.js is ES
// modules (importing a CommonJS file from ESM makes Node scan it for export names, ~5 ms more);
// node.cjs is the same for `require`. A process that uses both gets two instances; TotpkitError's
// brand keeps `instanceof` true across them. Whitespace and syntax are minified, names are kept,
// so a server's stack traces stay readable. npm/node-random.js (the CSPRNG) is bundled into the
// Node entries only, so it is not a file of the package.
/**
 * Writes `source` as a temporary entry and bundles it as ES module and CommonJS files. Each entry
 * has a name of its own: esbuild caches a file's contents by path within a process.
 */
async function bundleEntry(source, outputs, banner, plugins = []) {
  const entry = join(pkg, `.entry-${outputs[0][1]}.mjs`);
  writeFileSync(entry, source);
  try {
    for (const [format, file] of outputs) {
      await build({
        entryPoints: [entry],
        bundle: true,
        format,
        platform: 'node',
        target: 'node18',
        minifyWhitespace: true,
        minifySyntax: true,
        legalComments: 'none',
        banner: { js: banner },
        outfile: join(pkg, file),
        plugins,
        logOverride: { 'empty-import-meta': 'silent' },
      });
    }
  } finally {
    rmSync(entry);
  }
}

// The Node entry loads the whole module on import, and its encoder draws every QR code: front.js
// never reaches its JS encoder (./qr.js, for pages on a smaller module or none) or the codes
// module's glue there. Both are left out of node.js and node.cjs, a quarter of their JS, which V8
// parses at every cold start. front.js's `./qr.js` becomes the option check alone; what could only
// run without the whole module throws NotInitialized, as front.js does for a missing module.
const wholeOnly = {
  name: 'whole-module-only',
  setup(b) {
    const front = join(pkg, 'front.js');
    b.onResolve({ filter: /^\.\/(qr|codes-glue)\.js$/ }, (args) =>
      args.importer === front ? { path: args.path, namespace: 'whole-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'whole-only' }, (args) => ({
      resolveDir: pkg,
      contents: `import { TotpkitError } from './error.js';
const absent = () => { throw new TotpkitError('NotInitialized', 'this entry runs only on the whole module'); };
${args.path === './qr.js' ? "export { svgOptions } from './qr.js';\nexport const qrMatrix = absent, qrSvg = absent;" : 'export default absent;'}
`,
    }));
  },
};

/** The expression that turns base64 into the module's bytes: Buffer where there is one. */
const inlineWasm = (file) => {
  const b64 = readFileSync(join(pkg, file)).toString('base64');
  return `((b64) => typeof Buffer === 'function' ? Buffer.from(b64, 'base64') : Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))(${JSON.stringify(b64)})`;
};

await bundleEntry(
  `import { initSync } from './totpkit.js';
import { nodeRandom } from ${JSON.stringify(join(root, 'npm', 'node-random.js'))};

initSync({ module: ${inlineWasm('totpkit_bg.wasm')}, random: nodeRandom() });
export * from './totpkit.js';
export { default } from './totpkit.js';
`,
  [['esm', 'node.js'], ['cjs', 'node.cjs']],
  '// totpkit for Node, Deno and Bun: the wasm inline, instantiated on import (scripts/finish-package.mjs in the totpkit repository).',
  [wholeOnly],
);

// The server kit's entry for Node, Deno and Bun, built the same way, with the same CSPRNG.
await bundleEntry(
  `import { initSync } from './server-glue.js';
import { useRandom } from './server-random.js';
import { nodeRandom } from ${JSON.stringify(join(root, 'npm', 'node-random.js'))};

initSync({ module: ${inlineWasm('server_bg.wasm')} });
useRandom(nodeRandom());
export * from './server.js';
`,
  [['esm', 'server-node.js'], ['cjs', 'server-node.cjs']],
  '// totpkit/server for Node, Deno and Bun: the wasm inline, instantiated on import (scripts/finish-package.mjs in the totpkit repository).',
);

// The CommonJS entries' types: the same declarations as .d.cts files, which TypeScript reads as
// CommonJS (a .d.ts in a `"type": "module"` package types node.cjs as ES modules: attw's
// "masquerading as ESM").
copyFileSync(join(root, 'npm', 'totpkit.d.ts'), join(pkg, 'totpkit.d.cts'));
copyFileSync(join(root, 'npm', 'server.d.ts'), join(pkg, 'server.d.cts'));
/** An `exports` target with its own types, so each branch (import, require) gets the right ones. */
const typed = (types, file) => ({ types, default: file });

const manifest = {
  name: 'totpkit',
  version: field('version'),
  description: field('description'),
  license: 'MIT OR Apache-2.0',
  repository: { type: 'git', url: `git+${field('repository')}.git` },
  keywords: ['totp', '2fa', 'otp', 'qrcode', 'webassembly', 'authenticator'],
  type: 'module',
  // What the tests run on (tests/node/runtimes.test.mjs): the Node lines that require() an ES
  // module, which the ES-only entries (elements, the stores) need from CommonJS.
  engines: { node: '^20.19.0 || >=22.12.0' },
  main: 'node.cjs',
  module: 'totpkit.js',
  types: 'totpkit.d.ts',
  // TypeScript's `moduleResolution: "node"` (node10) reads no `exports`: it finds a subpath's
  // types by file name, which works for totpkit/elements and totpkit/server but not for these.
  typesVersions: {
    '*': {
      'elements/locales/*': ['locales/locale.d.ts'],
      'elements/*': ['elements/*.d.ts'],
      'server/postgres': ['server-postgres.d.ts'],
      'server/sqlite': ['server-sqlite.d.ts'],
    },
  },
  sideEffects: ['./node.js', './node.cjs', './workerd.js', './elements.js', './elements/*.js', './locales/*.js', './server-node.js', './server-node.cjs', './server-workerd.js'],
  files: [
    ...FRONT_FILES, 'glue.js', 'totpkit.d.cts', 'server.d.cts', 'elements', 'locales', 'totpkit_bg.wasm', 'codes-glue.js', 'totpkit_codes_bg.wasm', 'qr-glue.js', 'totpkit_qr_bg.wasm', 'node.js', 'node.cjs',
    ...SERVER_FILES, 'server-glue.js', 'server_bg.wasm', 'server-node.js', 'server-node.cjs',
    'README.md', 'LICENSE-MIT', 'LICENSE-APACHE',
  ],
  exports: {
    '.': {
      workerd: typed('./totpkit.d.ts', './workerd.js'),
      deno: typed('./totpkit.d.ts', './node.js'),
      bun: typed('./totpkit.d.ts', './node.js'),
      node: { import: typed('./totpkit.d.ts', './node.js'), require: typed('./totpkit.d.cts', './node.cjs') },
      default: typed('./totpkit.d.ts', './totpkit.js'),
    },
    // The enrollment UI (custom elements): browsers only, on the browser entry's instance.
    './elements': { types: './elements.d.ts', default: './elements.js' },
    // Its languages: importing one registers it (e.g. totpkit/elements/locales/de).
    './elements/locales/*': { types: './locales/locale.d.ts', default: './locales/*.js' },
    // Each element alone, for a page that needs one job (a login page: code-field, clock-check).
    ...Object.fromEntries(['code-field', 'clock-check', 'enrollment'].map((n) => [`./elements/${n}`, { types: `./elements/${n}.d.ts`, default: `./elements/${n}.js` }])),
    // The server half. `default` is the self-initializing entry too: any runtime that compiles
    // wasm from bytes can use it, and there is no init call to forget.
    './server': {
      workerd: typed('./server.d.ts', './server-workerd.js'),
      deno: typed('./server.d.ts', './server-node.js'),
      bun: typed('./server.d.ts', './server-node.js'),
      node: { import: typed('./server.d.ts', './server-node.js'), require: typed('./server.d.cts', './server-node.cjs') },
      default: typed('./server.d.ts', './server-node.js'),
    },
    './server/postgres': { types: './server-postgres.d.ts', default: './server-postgres.js' },
    './server/sqlite': { types: './server-sqlite.d.ts', default: './server-sqlite.js' },
    './totpkit_bg.wasm': './totpkit_bg.wasm',
    // The smaller modules, for bundlers that copy them by name: the one a page's init() loads
    // (front.js, "Loading") and the one <totp-enrollment> loads (qr-load.js).
    './totpkit_codes_bg.wasm': './totpkit_codes_bg.wasm',
    './totpkit_qr_bg.wasm': './totpkit_qr_bg.wasm',
    './package.json': './package.json',
  },
  // The stores' drivers: only a site that uses that store installs it (sqliteStore needs
  // better-sqlite3 only on Node before 22.5; Deno, Bun and newer Node have SQLite built in).
  peerDependencies: { pg: '>=8.11', 'better-sqlite3': '>=11' },
  peerDependenciesMeta: { pg: { optional: true }, 'better-sqlite3': { optional: true } },
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
