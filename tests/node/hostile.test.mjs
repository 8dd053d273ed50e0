// Hostile input through the built package (pkg/) in Node, loaded with initSync as a consumer
// would: every exported function, every argument position, every hostile value from
// tests/node/hostile-cases.mjs (shared with tests/e2e/hostile.spec.mjs for Chromium). After each
// call the result is valid or the error a documented TotpkitError, and the module still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FUNCTIONS, checkClockBadUrls, hugeSparseSamples, revokedProxyRepeated, runFunction, secretEchoProblems, stillWorks } from './hostile-cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasm = new WebAssembly.Module(readFileSync(join(root, 'pkg', 'totpkit_bg.wasm')));
let instances = 0;

/** A fresh instance of the package (a new module URL is a new module record), so one test that
 * breaks the module cannot fail the tests after it. */
async function fresh() {
  const api = await import(`${pathToFileURL(join(root, 'pkg', 'totpkit.js')).href}?instance=${instances++}`);
  api.initSync({ module: wasm });
  return api;
}
const api = await fresh();

test('the table covers every function the package exports', () => {
  // TotpkitError is the class the others throw, not a function to call with hostile input.
  const exported = Object.keys(api).filter((k) => typeof api[k] === 'function' && !['default', 'initSync', 'TotpkitError'].includes(k));
  assert.deepEqual(exported.sort(), Object.keys(FUNCTIONS).sort());
});

for (const name of Object.keys(FUNCTIONS)) {
  test(`hostile arguments: ${name}`, async () => {
    const api = await fresh();
    const r = await runFunction(api, name);
    console.log(`${name}: ${r.calls} calls, ${r.results} valid results, ${r.errors} TotpkitErrors, ${r.failures.length} failures`);
    assert.deepEqual(r.failures.slice(0, 15), [], `${r.failures.length} failures`);
    assert.equal(stillWorks(api), true);
  });
}

test('no error message shows the secret it was given', async () => {
  assert.deepEqual(await secretEchoProblems(await fresh()), []);
});

test('two thousand calls with a revoked Proxy leave the module working', async () => {
  assert.deepEqual(revokedProxyRepeated(await fresh()), { alive: true, errors: ['TotpkitError/InvalidOptions'] });
});

test('checkClock rejects an unparsable URL with a TotpkitError', async () => {
  for (const line of await checkClockBadUrls(await fresh())) {
    assert.match(line, /: TotpkitError\/(InvalidOptions|ClockCheckFailed)$/);
  }
});

test('a sparse samples array of 2^26 + 1 holes fails fast with InvalidSample', async () => {
  assert.deepEqual(hugeSparseSamples(await fresh()), { outcome: 'TotpkitError/InvalidSample', alive: true, fast: true });
});
