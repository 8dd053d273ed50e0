// What the registries and their tools see (scripts/test.sh runs this after building pkg/): the npm
// package through are-the-types-wrong and publint and the file list `npm pack` would publish, the
// crate through `cargo publish --dry-run` (it packages, and the packaged copy builds) and
// `cargo doc` with warnings as errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, openSync, closeSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const exec = promisify(execFile);
/** Runs a command in the repository; resolves to its output whether it failed or not. */
async function run(cmd, args, env = {}) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (e) {
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) };
  }
}

/** Runs a command with its standard output going to a file, and returns that output: a CLI that
 * exits right after printing (attw) loses the end of a large output written to a pipe. */
async function outputOf(cmd, args) {
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-ecosystem-'));
  const file = join(dir, 'out');
  const fd = openSync(file, 'w');
  try {
    await new Promise((resolve, reject) => {
      spawn(cmd, args, { cwd: root, stdio: ['ignore', fd, 'inherit'] }).on('error', reject).on('close', resolve);
    });
    return readFileSync(file, 'utf8');
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

// The elements' languages (npm/locales/*.js), shipped as pkg/locales/ and exported one by one.
const LOCALES = readdirSync(join(root, 'npm', 'locales')).sort();
// Entries that are ES modules only, by design: the custom elements and their languages (browser
// code) and the server kit's stores. CommonJS reaches them with require(esm), which every Node in
// the package's `engines` has; attw's TypeScript (5.6) still calls that "dynamic import only".
const ESM_ONLY = ['./elements', './elements/code-field', './elements/clock-check', './elements/enrollment', './server/postgres', './server/sqlite', ...LOCALES.filter((f) => f.endsWith('.js')).map((f) => `./elements/locales/${f.slice(0, -3)}`)];

test('attw --pack pkg: every entry resolves to the right types in node10, node16 (CJS and ESM) and bundler', async () => {
  const locales = ESM_ONLY.filter((e) => e.startsWith('./elements/locales/'));
  assert.ok(locales.length > 0, 'some locales to check');
  // The .wasm files are assets (bundlers copy them, workerd imports one), not modules with types.
  const args = ['--pack', pkg, '--exclude-entrypoints', './totpkit_bg.wasm', './totpkit_codes_bg.wasm', './totpkit_qr_bg.wasm', '--include-entrypoints', ...locales];
  const clean = await run(bin('attw'), [...args, '--ignore-rules', 'cjs-resolves-to-esm']);
  assert.ok(clean.ok, `attw found problems:\n${clean.stdout}${clean.stderr}`);
  // The one rule ignored above fires for the ES-only entries and nothing else: the `require`
  // entries (totpkit, totpkit/server) resolve to CommonJS with CommonJS types.
  const all = await outputOf(bin('attw'), [...args, '--format', 'json']);
  const problems = JSON.parse(all).analysis.problems.map((p) => `${p.kind} ${p.entrypoint} ${p.resolutionKind}`);
  assert.deepEqual(problems.sort(), ESM_ONLY.map((e) => `CJSResolvesToESM ${e} node16-cjs`).sort());
});

test('publint pkg: no error, warning or suggestion', async () => {
  const { ok, stdout, stderr } = await run(bin('publint'), ['run', pkg, '--strict']);
  assert.ok(ok, stdout + stderr);
  assert.match(stdout, /All good!/, stdout);
});

test('npm pack --dry-run publishes exactly the package files', async () => {
  const { ok, stdout, stderr } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', pkg]);
  assert.ok(ok, stderr);
  const files = JSON.parse(stdout)[0].files.map((f) => f.path).sort();
  const expected = [
    'LICENSE-APACHE', 'LICENSE-MIT', 'README.md', 'package.json',
    // The browser entry: the wasm front, the whole module's functions (whole.js) with its glue and
    // wasm, the codes module's glue and wasm, the QR drawn in JS, the JS rules beside it (a typed
    // code, a URI, the clock check), the error class every module shares, and the types (ESM, and
    // CommonJS for node.cjs); initSync's module; the QR module <totp-enrollment> loads, its glue
    // and loader.
    'totpkit.js', 'front.js', 'whole.js', 'init-sync.js', 'glue.js', 'totpkit_bg.wasm', 'codes-glue.js', 'totpkit_codes_bg.wasm', 'qr.js',
    'qr-load.js', 'qr-glue.js', 'totpkit_qr_bg.wasm', 'code.js', 'clock.js', 'uri.js', 'args.js', 'error.js', 'totpkit.d.ts', 'totpkit.d.cts',
    // The self-initializing entries: Node, Deno and Bun (ESM, CommonJS), Cloudflare Workers.
    'node.js', 'node.cjs', 'workerd.js',
    // The elements (all three, each alone over their shared base and advice) and their languages.
    'elements.js', 'elements.d.ts', ...LOCALES.map((f) => `locales/${f}`),
    ...['base.js', 'advice.js', ...['code-field', 'clock-check', 'enrollment'].flatMap((n) => [`${n}.js`, `${n}.d.ts`])].map((f) => `elements/${f}`),
    // The server kit: its wasm and glue, entries, types and stores.
    'server.js', 'server-random.js', 'server.d.ts', 'server.d.cts', 'server-glue.js', 'server_bg.wasm',
    'server-node.js', 'server-node.cjs', 'server-workerd.js',
    'server-postgres.js', 'server-postgres.d.ts', 'server-sqlite.js', 'server-sqlite.d.ts',
  ].sort();
  assert.deepEqual(files, expected);
});

test('cargo publish --dry-run -p totpkit: the crate packages its sources, README and licenses, and builds from them', { timeout: 900_000 }, async () => {
  // --allow-dirty: the working tree may hold uncommitted work; the test is about what would ship.
  const list = await run('cargo', ['package', '--list', '--allow-dirty', '-p', 'totpkit'], { CARGO_TERM_COLOR: 'never' });
  assert.ok(list.ok, list.stderr);
  const files = list.stdout.trim().split('\n');
  const sources = files.filter((f) => f.startsWith('src/'));
  assert.ok(sources.includes('src/lib.rs') && sources.every((f) => f.endsWith('.rs')), sources.join(' '));
  assert.deepEqual(
    files.filter((f) => !f.startsWith('src/')).sort(),
    ['.cargo_vcs_info.json', 'Cargo.lock', 'Cargo.toml', 'Cargo.toml.orig', 'LICENSE-APACHE', 'LICENSE-MIT', 'README-crate.md', 'README.md'].sort(),
  );
  const publish = await run('cargo', ['publish', '--dry-run', '--allow-dirty', '-p', 'totpkit'], { CARGO_TERM_COLOR: 'never' });
  assert.ok(publish.ok, publish.stderr);
  assert.match(publish.stderr, /Verifying totpkit v[\d.]+/);
  assert.match(publish.stderr, /aborting upload due to dry run/);
});

test('cargo doc --no-deps -p totpkit (all features) with RUSTDOCFLAGS="-D warnings"', { timeout: 600_000 }, async () => {
  const doc = await run('cargo', ['doc', '--no-deps', '-p', 'totpkit', '--all-features'], { RUSTDOCFLAGS: '-D warnings', CARGO_TERM_COLOR: 'never' });
  assert.ok(doc.ok, doc.stderr);
  assert.match(doc.stderr, /Generated .*totpkit.index\.html/);
});
