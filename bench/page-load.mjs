// Page load → enrollment QR visible, in headless Chromium: totpkit (bundled by esbuild the way a
// Vite build ships it, with its .wasm files) against otpauth + qrcode (bundled the same way), served
// from loopback, 9 alternating loads each, medians. Not a test. Run after scripts/build-pkg.sh:
// node bench/page-load.mjs
import { writeFileSync, mkdtempSync, rmSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { chromium } from '@playwright/test';
import { serveStatic } from '../tests/e2e/support/static.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'totpkit-page-load-'));

// Each app draws the enrollment QR, then records when it is in the page.
const APPS = {
  totpkit: `import init, { enrollment } from ${JSON.stringify(join(root, 'pkg', 'totpkit.js'))};
await init();
document.querySelector('#qr').innerHTML = enrollment({ account: 'alice@example.com', issuer: 'ACME Co' }).svg;
window.qrVisibleAt = performance.now();`,
  'otpauth + qrcode': `import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
const totp = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: new OTPAuth.Secret() });
QRCode.toString(totp.toString(), { type: 'svg' }).then((svg) => {
  document.querySelector('#qr').innerHTML = svg;
  window.qrVisibleAt = performance.now();
});`,
};

const dirs = {};
for (const [name, source] of Object.entries(APPS)) {
  const dir = join(work, name.replace(/\W+/g, '_'));
  mkdirSync(dir);
  writeFileSync(join(dir, 'entry.mjs'), source);
  buildSync({
    entryPoints: [join(dir, 'entry.mjs')],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    entryNames: 'app',
    nodePaths: [join(root, 'node_modules')],
    loader: { '.wasm': 'file' },
    assetNames: '[name]',
    logLevel: 'silent',
  });
  // esbuild leaves `new URL('<module>.wasm', import.meta.url)` alone (Vite and webpack copy the
  // files); put them beside the bundle as they would. Code splitting as Vite and Rollup ship a
  // dynamic import: init() fetches its module's glue as a chunk (this page: the codes module).
  if (name === 'totpkit') for (const f of readdirSync(join(root, 'pkg')).filter((f) => /^totpkit.*_bg\.wasm$/.test(f))) copyFileSync(join(root, 'pkg', f), join(dir, f));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><div id="qr"></div><script type="module" src="app.js"></script>\n');
  dirs[name] = dir;
}

const server = await serveStatic({
  mounts: Object.fromEntries(Object.entries(dirs).map(([name, dir]) => [`/${name.replace(/\W+/g, '_')}/`, dir])),
  headers: { 'cache-control': 'no-store' },
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const times = Object.fromEntries(Object.keys(APPS).map((k) => [k, []]));
try {
  for (let round = 0; round < 9; round++) {
    for (const name of Object.keys(APPS)) {
      // A fresh context: nothing cached, nothing compiled.
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.base}/${name.replace(/\W+/g, '_')}/`);
      await page.waitForFunction(() => typeof window.qrVisibleAt === 'number' && document.querySelector('#qr svg'));
      times[name].push(await page.evaluate(() => window.qrVisibleAt));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log('| page load → QR visible (headless Chromium, loopback, median of 9) | ms |');
console.log('|---|---|');
for (const [name, xs] of Object.entries(times)) console.log(`| ${name} | ${median(xs).toFixed(1)} |`);
