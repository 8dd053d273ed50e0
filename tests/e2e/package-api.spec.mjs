// The public JS API of the built package in headless Chromium: every case of
// tests/package/cases.mjs (the port of the old wasm-bindgen-test suite; the same cases run in
// Node through tests/node/api.test.mjs) as its own Playwright test. A local server gives pkg/,
// tests/package/ and tests/data/ under the strict CSP `script-src 'self' 'wasm-unsafe-eval'`;
// the page (tests/package/index.html + browser.mjs) loads the package with `await init()`, runs
// the case named in its URL and writes "pass" or the failure message on the page.
import { test, expect } from '@playwright/test';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './support/static.mjs';
import { cases } from '../package/cases.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let server;

test.beforeAll(async () => {
  server = await serveStatic({
    mounts: {
      '/pkg/': join(root, 'pkg'),
      '/package/': join(root, 'tests', 'package'),
      '/data/': join(root, 'tests', 'data'),
    },
    headers: { 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" },
  });
});

test.afterAll(() => server.close());

for (const { name } of cases) {
  test(`package API in Chromium: ${name}`, async ({ page }) => {
    // Any console error (a CSP violation, a failed load) or uncaught page error fails the case.
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.base}/package/?case=${encodeURIComponent(name)}`);
    const result = page.locator('#result');
    await expect(result).not.toHaveAttribute('data-status', 'running', { timeout: 30_000 });
    // The text is "pass" or the assertion that failed, so a failure shows it.
    expect(await result.textContent()).toBe('pass');
    expect(await result.getAttribute('data-status')).toBe('pass');
    expect(errors).toEqual([]);
  });
}
