// totpkit/server from the packed package (npm pack of pkg/), installed into fresh temp folders as
// a site would: Node ESM and CommonJS, Bun and Deno (each on its own SQLite driver: the Bun and
// Deno folder has no better-sqlite3, so the store can only have used bun:sqlite or node:sqlite),
// a Cloudflare Worker in workerd (Miniflare) bundled with wrangler's conditions, and the types
// under `tsc --strict` in a Node-only and a DOM project. The consumers are in consumer/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import * as OTPAuth from 'otpauth';
import { packOnce, tempDir, cleanUp } from '../consumers/harness.mjs';
import { ROOT } from './support.mjs';

const run = promisify(execFile);
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const modules = join(ROOT, 'node_modules');

/** A temp folder with consumer/ copied in, the tarball installed, and `links` from our node_modules. */
function install(prefix, { copies = [], links = [] } = {}) {
  const dir = tempDir(prefix);
  cpSync(join(ROOT, 'tests', 'server-kit', 'consumer'), dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'totpkit-server-consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', packOnce()], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Test tools come from this repository's lockfile; better-sqlite3 is linked (a native build,
  // found through its real path), pure-JS packages copied so every runtime resolves them alike.
  for (const name of copies) cpSync(join(modules, name), join(dir, 'node_modules', name), { recursive: true, dereference: true });
  for (const name of links) {
    mkdirSync(join(dir, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(modules, name), join(dir, 'node_modules', name), 'dir');
  }
  return dir;
}

let bare;
let nodeApp;
before(() => {
  bare = install('totpkit-server-bare-', { copies: ['otpauth', '@noble/hashes'] });
  nodeApp = install('totpkit-server-node-', { copies: ['otpauth', '@noble/hashes'], links: ['better-sqlite3', '@types/node'] });
});
after(cleanUp);

async function runIn(dir, cmd, args, env = {}) {
  const { stdout } = await run(cmd, args, { cwd: dir, timeout: 60_000, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** What the ESM consumer must have seen on each runtime. */
function checkSite(seen, dir, runtime) {
  assert.equal(seen.runtime, runtime);
  const file = seen.resolved.startsWith('file:') ? fileURLToPath(seen.resolved) : seen.resolved;
  assert.equal(file, join(dir, 'node_modules', 'totpkit', 'server-node.js'), 'the `exports` entry this runtime resolved');
  assert.equal(seen.postgresStore, 'function');
  assert.equal(seen.errorCodes, 9);
  for (const store of ['memory', 'sqlite']) {
    assert.deepEqual(
      seen[store],
      {
        uri: true,
        recoveryCodes: 10,
        verified: true,
        replayed: 'replayed',
        status: { enrolled: true, pending: false, recoveryCodesLeft: 10, driftSteps: 0, locked: false },
      },
      store,
    );
  }
  assert.deepEqual(seen.error, { instanceOf: true, name: 'TotpkitError', code: 'InvalidUser' });
}

test('Node ESM: import from "totpkit/server" (memory and SQLite through better-sqlite3)', async () => {
  checkSite(await runIn(nodeApp, process.execPath, ['esm.mjs']), nodeApp, 'node');
});

test('Node CJS: require("totpkit/server") gets the CommonJS build, whose random bytes come from /dev/urandom', async () => {
  const seen = await runIn(nodeApp, process.execPath, ['cjs.cjs']);
  assert.deepEqual(seen, {
    resolved: join(nodeApp, 'node_modules', 'totpkit', 'server-node.cjs'),
    secret: 32,
    error: { instanceOf: true, name: 'TotpkitError', code: 'InvalidUser' },
    sqlite: 'function',
    cryptoLoaded: false,
  });
});

test('Node without better-sqlite3: sqliteStore says what to install, as StoreUnavailable', async () => {
  const script = `import { createTotpServer } from 'totpkit/server';
import { sqliteStore } from 'totpkit/server/sqlite';
const totp = createTotpServer({ issuer: 'ACME Co', store: sqliteStore({ path: ':memory:' }), encryptionKey: new Uint8Array(32) });
try { await totp.status('alice'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  writeFileSync(join(bare, 'missing.mjs'), script);
  const seen = await runIn(bare, process.execPath, ['missing.mjs']);
  assert.equal(seen.code, 'StoreUnavailable');
  assert.match(seen.message, /npm install better-sqlite3/);
});

test('Bun: import from "totpkit/server", SQLite through bun:sqlite', async () => {
  checkSite(await runIn(bare, bin('bun'), ['esm.mjs']), bare, 'bun');
});

test('Deno: import from "totpkit/server" with no permission flags, SQLite through node:sqlite', async () => {
  const seen = await runIn(bare, bin('deno'), ['run', '--no-prompt', '--node-modules-dir=manual', 'esm.mjs'], {
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
  });
  checkSite(seen, bare, 'deno');
});

test('workerd (Miniflare): a Worker bundled as wrangler does enrolls, verifies and answers the time', async () => {
  const out = tempDir('totpkit-server-worker-');
  const result = await build({
    absWorkingDir: bare,
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
  assert.ok(inputs.includes('node_modules/totpkit/server-workerd.js'), `the bundle uses the workerd entry: ${inputs}`);
  assert.ok(!inputs.some((i) => /server-node\.c?js$/.test(i)), 'and not the Node entry');
  assert.ok(!inputs.some((i) => /totpkit\/(totpkit|glue)\.js$/.test(i)), 'nor the browser module');

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
    const t = 1_700_000_025_000;
    const get = async (path) => {
      const res = await mf.dispatchFetch(`http://worker.test${path}`);
      assert.equal(res.status, 200, await res.clone().text());
      return res;
    };
    const begun = await (await get(`/begin?t=${t}`)).json();
    const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(begun.secret) });
    const confirmed = await (await get(`/confirm?t=${t}&code=${app.generate({ timestamp: t })}`)).json();
    assert.equal(confirmed.recoveryCodes.length, 10);
    const code = app.generate({ timestamp: t + 30_000 });
    assert.deepEqual(await (await get(`/verify?t=${t + 30_000}&code=${code}`)).json(), {
      ok: true,
      step: Math.floor(t / 30_000) + 1,
      driftSteps: 0,
    });
    assert.deepEqual(await (await get(`/verify?t=${t + 30_000}&code=${code}`)).json(), { ok: false, reason: 'replayed' });
    const time = await get(`/api/time?t=${t}`);
    assert.equal(time.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await time.json(), { now: t });
    assert.deepEqual(await (await get('/error?t=1')).json(), { instanceOf: true, name: 'TotpkitError', code: 'InvalidArgument' });
  } finally {
    await mf.dispose();
  }
});

test('types: tsc --strict accepts a site’s code and refuses wrong calls, Node-only and DOM', async () => {
  const tsc = bin('tsc');
  const common = [
    '--strict',
    '--noEmit',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    'check.ts',
  ];
  await run(tsc, [...common, '--lib', 'es2022', '--types', 'node'], { cwd: nodeApp }).catch((e) =>
    assert.fail(`Node-only: ${e.stdout}`),
  );
  // The folder without @types/node: only the DOM's declarations.
  await run(tsc, [...common, '--lib', 'es2022,dom'], { cwd: bare }).catch((e) => assert.fail(`DOM: ${e.stdout}`));
});
