// The packed package (npm pack of pkg/) in every server-side runtime, each installed into a fresh
// temp folder as a user would: Node ESM and CJS, Bun and Deno with one import and no init call,
// and a Cloudflare Worker in workerd (Miniflare), bundled the way wrangler does. Each consumer
// (tests/consumers/node, tests/consumers/workerd) prints or answers what it saw; here we check
// that it took the right `exports` entry, computed the RFC 6238 vector, drew a QR that jsQR reads
// back, and threw a TotpkitError that `instanceof` recognizes. Node runs twice over: the machine's
// own, and the LTS lines from the registry's `node` packages in tests/node/lts (scripts/setup.sh
// installs them), down to the package's `engines` floor. Browsers: tests/e2e/runtimes.spec.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { ROOT, RFC6238, installConsumer, decodeMatrix, tempDir, cleanUp } from '../consumers/harness.mjs';

const run = promisify(execFile);
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const URI = `otpauth://totp/ACME%20Co:alice%40example.com?secret=${RFC6238.secret}&issuer=ACME%20Co&algorithm=SHA1&digits=8&period=30`;

let nodeApp;
before(() => {
  nodeApp = installConsumer('node');
});
after(cleanUp);

/** Runs a consumer to completion (no stdin, so nothing can wait on a prompt); parses its JSON line. */
async function runConsumer(cmd, args, env = {}) {
  const { stdout } = await run(cmd, args, { cwd: nodeApp, timeout: 60_000, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** What every consumer must have seen: the real answers, not just "it loaded". */
function checkAnswer(seen, { entry, crypto } = {}) {
  if (entry) {
    const file = seen.resolved.startsWith('file:') ? fileURLToPath(seen.resolved) : seen.resolved;
    assert.equal(file, join(nodeApp, 'node_modules', 'totpkit', entry), 'the `exports` entry this runtime resolved');
  }
  assert.equal(seen.code, RFC6238.code, 'RFC 6238 Appendix B, SHA-1 at T = 59 s');
  assert.equal(seen.uri, URI);
  assert.equal(decodeMatrix(seen.qr), URI, 'jsQR reads the QR back');
  assert.deepEqual(seen.error, { instanceOf: true, isError: true, name: 'TotpkitError', code: 'InvalidBase32' });
  if ('afterInit' in seen) assert.equal(seen.afterInit, RFC6238.code, 'init() is harmless once ready');
  assert.equal(seen.secrets.length, 2);
  for (const s of seen.secrets) assert.match(s, /^[A-Z2-7]{32}$/, 'a new secret: 20 random bytes in base32');
  assert.notEqual(seen.secrets[0], seen.secrets[1]);
  // Node: the secrets came from /dev/urandom, and node:crypto (3.5-5 ms) was never loaded; or,
  // where the device cannot be read, from node:crypto (npm/node-random.js).
  if (crypto !== undefined) assert.equal(seen.cryptoLoaded, crypto, crypto ? 'node:crypto was the fallback' : 'node:crypto stayed unloaded');
}

test('Node ESM: import from "totpkit", no init call', async () => {
  checkAnswer(await runConsumer(process.execPath, ['esm.mjs']), { entry: 'node.js', crypto: false });
});

test('Node CJS: require("totpkit"), no init call', async () => {
  checkAnswer(await runConsumer(process.execPath, ['cjs.cjs']), { entry: 'node.cjs', crypto: false });
});

// Node's permission model with reads allowed in the app's folder only: /dev/urandom is refused,
// and new secrets come from node:crypto instead (npm/node-random.js's fallback, as on Windows).
test('Node with /dev/urandom refused (permission model): secrets from node:crypto', async () => {
  const flags = ['--experimental-permission', `--allow-fs-read=${nodeApp}/*`];
  checkAnswer(await runConsumer(process.execPath, [...flags, 'esm.mjs']), { entry: 'node.js', crypto: true });
  checkAnswer(await runConsumer(process.execPath, [...flags, 'cjs.cjs']), { entry: 'node.cjs', crypto: true });
});

// node.js (ESM) and node.cjs (require) are two instances in a process that uses both (ESM that
// imports CommonJS cost ~5 ms of cold start); TotpkitError's brand keeps `instanceof` true
// across them, which is what an app relies on.
test('Node: an error from `require` is instanceof the `import`ed TotpkitError', async () => {
  assert.deepEqual((await runConsumer(process.execPath, ['dual.mjs'])).instanceOf, true);
});

// The Node lines the package supports (`engines`: ^20.19.0 || >=22.12.0), each with the ESM,
// CommonJS and mixed consumers: 20 at the floor of that range (the machine's Node above is a later
// 20), the current 22 and 24.
const LTS = join(ROOT, 'tests', 'node', 'lts');
const ltsVersions = JSON.parse(readFileSync(join(LTS, 'package.json'), 'utf8')).dependencies;
for (const [name, spec] of Object.entries(ltsVersions)) {
  const version = spec.replace('npm:node@', '');
  test(`Node ${version} (tests/node/lts): import and require from "totpkit", no init call, instanceof across both`, async () => {
    const node = join(LTS, 'node_modules', name, 'bin', 'node');
    assert.ok(existsSync(node), `${node} is missing: scripts/setup.sh installs it`);
    assert.equal((await run(node, ['--version'])).stdout.trim(), `v${version}`);
    checkAnswer(await runConsumer(node, ['esm.mjs']), { entry: 'node.js', crypto: false });
    checkAnswer(await runConsumer(node, ['cjs.cjs']), { entry: 'node.cjs', crypto: false });
    assert.deepEqual(await runConsumer(node, ['dual.mjs']), { sameClass: false, instanceOf: true });
  });
}

test('Bun: import and require, no init call', async () => {
  checkAnswer(await runConsumer(bin('bun'), ['esm.mjs']), { entry: 'node.js' });
  checkAnswer(await runConsumer(bin('bun'), ['cjs.cjs']), { entry: 'node.js' });
  assert.deepEqual(await runConsumer(bin('bun'), ['dual.mjs']), { sameClass: true, instanceOf: true });
});

test('Deno: import from node_modules with no permission flags, no init call', async () => {
  // --no-prompt: a permission the package needed (read, net, env) would fail here, not hang.
  // --node-modules-dir=manual: the folder's package.json and node_modules, as npm installed them.
  const seen = await runConsumer(bin('deno'), ['run', '--no-prompt', '--node-modules-dir=manual', 'esm.mjs'], {
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
  });
  checkAnswer(seen, { entry: 'node.js' });
});

test('workerd (Miniflare): a Worker bundled as wrangler does answers with the RFC code', async () => {
  const app = installConsumer('workerd');
  const out = tempDir('totpkit-worker-');
  // wrangler's resolution: the `workerd` condition first; a .wasm import stays a module file
  // beside the bundle (esbuild's copy loader rewrites the import to the copied file).
  const result = await build({
    absWorkingDir: app,
    entryPoints: ['worker.mjs'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    loader: { '.wasm': 'copy' },
    outdir: out,
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.includes('node_modules/totpkit/workerd.js'), `the bundle uses the package's workerd entry: ${inputs}`);
  assert.ok(!inputs.some((i) => /node\.c?js$/.test(i)), 'and not the Node entry');
  assert.ok(Object.keys(result.metafile.outputs).some((o) => o.endsWith('.wasm')), 'the .wasm is a module beside the bundle');

  const mf = new Miniflare({
    modules: true,
    scriptPath: join(out, 'worker.js'),
    modulesRoot: out,
    modulesRules: [
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
    ],
    compatibilityDate: '2025-01-01',
  });
  try {
    const res = await mf.dispatchFetch(`http://worker.test/?secret=${RFC6238.secret}&t=${RFC6238.unixMs}`);
    assert.equal(res.status, 200, await res.clone().text());
    checkAnswer(await res.json());
  } finally {
    await mf.dispose();
  }
});
