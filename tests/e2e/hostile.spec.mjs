// Hostile input through the built package in headless Chromium: the same table as the Node suite
// (tests/node/hostile-cases.mjs, served next to pkg/ by a tiny local server under the page's
// strict CSP), so the browser's own JS engine, string encoding and fetch are exercised too.
import { test, expect } from '@playwright/test';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTIONS } from '../node/hostile-cases.mjs';
import { serveStatic } from './support/static.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let server, base;

test.beforeAll(async () => {
  server = await serveStatic({
    mounts: { '/pkg/': join(root, 'pkg'), '/node/': join(root, 'tests', 'node') },
    routes: {
      '/': (req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" });
        res.end('<!doctype html><title>hostile</title><link rel="icon" href="data:,">');
      },
    },
  });
  base = server.base;
});

test.afterAll(() => server.close());

/** Loads the package and the table in a fresh page and returns `hostile[fn](api, arg)` there
 * (the page's CSP forbids eval, so the procedures live in the shared module). */
async function inPage(page, fn, arg) {
  await page.goto(base + '/');
  return page.evaluate(
    async ([fn, arg]) => {
      const api = await import('/pkg/totpkit.js');
      await api.default();
      const hostile = await import('/node/hostile-cases.mjs');
      return fn === 'exports'
        ? Object.keys(api).filter((k) => typeof api[k] === 'function' && !['default', 'initSync', 'TotpkitError'].includes(k)).sort()
        : hostile[fn](api, arg);
    },
    [fn, arg],
  );
}

test('the table covers every function the package exports', async ({ page }) => {
  expect(await inPage(page, 'exports')).toEqual(Object.keys(FUNCTIONS).sort());
});

for (const name of Object.keys(FUNCTIONS)) {
  test(`hostile arguments: ${name}`, async ({ page }) => {
    const r = await inPage(page, 'runFunction', name);
    console.log(`${name}: ${r.calls} calls, ${r.results} valid results, ${r.errors} TotpkitErrors, ${r.failures.length} failures`);
    expect(r.failures.slice(0, 15)).toEqual([]);
    expect(r.calls).toBeGreaterThan(60);
  });
}

test('no error message shows the secret it was given', async ({ page }) => {
  expect(await inPage(page, 'secretEchoProblems')).toEqual([]);
});

test('two thousand calls with a revoked Proxy leave the module working', async ({ page }) => {
  expect(await inPage(page, 'revokedProxyRepeated')).toEqual({ alive: true, errors: ['TotpkitError/InvalidOptions'] });
});

test('checkClock rejects an unparsable URL with a TotpkitError', async ({ page }) => {
  for (const line of await inPage(page, 'checkClockBadUrls')) {
    expect(line).toMatch(/: TotpkitError\/(InvalidOptions|ClockCheckFailed)$/);
  }
});

test('a sparse samples array of 2^26 + 1 holes fails fast with InvalidSample', async ({ page }) => {
  expect(await inPage(page, 'hugeSparseSamples')).toEqual({ outcome: 'TotpkitError/InvalidSample', alive: true, fast: true });
});
