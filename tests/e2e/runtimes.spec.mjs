// The packed package (npm pack of pkg/) in the browser through webpack 5, installed into a fresh
// temp folder as a frontend developer would (tests/consumers/webpack: its own package.json and
// lockfile for webpack, no plugin). The built page runs in Chromium under the strict CSP: a call
// before `await init()` throws TotpkitError `NotInitialized`; after it (which fetches the codes
// module: the page imports nothing of whole.js) the page shows an
// enrollment QR (read back from a screenshot by jsQR) and the RFC 6238 SHA-1 code, a bad secret
// throws a TotpkitError that `instanceof` recognizes, and a Web Worker built for webpack's
// `webworker` target (it asks for the `worker` export condition) computes the same code.
// Server-side runtimes (Node, Bun, Deno, workerd): tests/node/runtimes.test.mjs.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveStatic } from './support/static.mjs';
import { readQr } from './support/qr.mjs';
import { RFC6238, installConsumer, cleanUp } from '../consumers/harness.mjs';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const URI = `otpauth://totp/ACME%20Co:alice%40example.com?secret=${RFC6238.secret}&issuer=ACME%20Co&algorithm=SHA1&digits=8&period=30`;

test.afterAll(cleanUp);

/** Runs webpack (the app's own, through its Node API) with the app's webpack.config.js. */
async function webpackBuild(app) {
  const webpack = createRequire(join(app, 'package.json'))('webpack');
  const config = (await import(pathToFileURL(join(app, 'webpack.config.js')).href)).default;
  const stats = await new Promise((resolve, reject) => {
    const compiler = webpack(config);
    compiler.run((err, s) => compiler.close(() => (err ? reject(err) : resolve(s))));
  });
  const info = stats.toJson({ all: false, errors: true, modules: true, nestedModules: true, children: true });
  expect(info.errors.map((e) => e.message), 'webpack errors').toEqual([]);
  return info;
}

test('webpack 5: npm pack → install → build → NotInitialized before init, then QR and RFC code in Chromium, and in a Web Worker', async ({ page }) => {
  test.setTimeout(150_000);
  const app = installConsumer('webpack');
  const info = await webpackBuild(app);
  expect(info.children.map((c) => c.name)).toEqual(['page', 'worker']);
  for (const child of info.children) {
    // Concatenated modules list their parts as nested modules.
    const modules = child.modules.flatMap((m) => [m, ...(m.modules ?? [])]).map((m) => m.name).filter(Boolean);
    expect(modules, `${child.name}: the browser build (the \`default\` condition)`).toContain('./node_modules/totpkit/totpkit.js');
    expect(modules.filter((m) => /totpkit\/(node|workerd)\./.test(m)), `${child.name}: no Node or Workers entry`).toEqual([]);
  }
  // Both modules init() may load are emitted (the codes module, and the whole one for a page that
  // imports a function of whole.js); this page loads only the codes module, the smaller.
  const emitted = readdirSync(join(app, 'dist')).filter((f) => f.endsWith('.wasm'));
  expect(emitted, 'the .wasm files emitted as assets').toHaveLength(2);
  const smaller = Math.min(...emitted.map((f) => statSync(join(app, 'dist', f)).size));

  const server = await serveStatic({ mounts: { '/': app }, headers: { 'content-security-policy': CSP } });
  try {
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    const fetched = [];
    page.on('response', async (r) => r.url().endsWith('.wasm') && fetched.push((await r.body()).length));
    await page.goto(server.base + '/');
    await expect(page.locator('#code')).toHaveText(RFC6238.code);
    await expect(page.locator('#before-init')).toHaveText('true NotInitialized');
    await expect(page.locator('#error')).toHaveText('true InvalidBase32');
    await expect(page.locator('#key')).toHaveText('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
    await expect(page.locator('#worker'), 'the same code from a Web Worker').toHaveText(RFC6238.code);
    // The page and its worker each fetch the codes module, never the whole one.
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.every((n) => n === smaller), `fetched ${fetched} B, the codes module is ${smaller} B`).toBe(true);
    expect(await readQr(page.locator('#qr svg'))).toBe(URI);
    await page.screenshot({ path: join(SCREENSHOTS, 'consumer-webpack.png') });
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});
