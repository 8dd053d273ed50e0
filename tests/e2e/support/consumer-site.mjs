// A consumer app of tests/consumers/ (the packed tarball installed), served for a spec file under
// the strict CSP with an /api/time that agrees with this machine; every test of the file fails on
// any console error or warning, page error or CSP violation. Shared by elements.spec.mjs and
// i18n.spec.mjs.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { serveStatic } from './static.mjs';
import { installConsumer, cleanUp } from '../../consumers/harness.mjs';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

/** Registers the file's hooks; returns the site, whose `base` is set once it is up. */
export function consumerSite(name) {
  const site = {};
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const app = installConsumer(name);
    Object.assign(site, await serveStatic({
      mounts: { '/': app, '/pkg/': join(app, 'node_modules', 'totpkit') },
      routes: {
        '/api/time': (req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify({ now: Date.now() }));
        },
      },
      headers: { 'content-security-policy': CSP },
    }));
  });
  test.afterAll(async () => {
    await site.close?.();
    cleanUp();
  });
  test.beforeEach(async ({ page }) => {
    const problems = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && problems.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    test.info().problems = problems;
  });
  test.afterEach(async () => {
    if (test.info().status === 'passed') expect(test.info().problems).toEqual([]);
  });
  return site;
}
