// The package as frontend developers meet it: `npm pack` → a fresh Vite app (its own
// package.json and lockfile, no plugin, no config) → `vite build` → served → a QR and a code
// appear in Chromium; a plain <script type="module"> page with no bundler; and a TypeScript
// consumer of every public function checked with `tsc --noEmit --strict`. (Node ESM with
// initSync from the installed tarball is in tests/node/package.test.mjs.)
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { serveStatic } from './support/static.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkgDir = join(root, 'pkg');
const viteApp = join(root, 'tests', 'consumers', 'vite');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

/** What the page shows must be a real enrollment: the code is the one otpauth (npm) computes. */
async function expectQrAndCode(page) {
  await expect(page.locator('#qr svg')).toBeVisible();
  await expect(page.locator('#qr svg')).toHaveAttribute('aria-label', 'QR code to add ACME Co (alice@example.com) to an authenticator app');
  const key = (await page.locator('#key').textContent()).replace(/ /g, '');
  const shown = await page.locator('#code').textContent();
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) });
  const now = Date.now();
  expect([totp.generate({ timestamp: now }), totp.generate({ timestamp: now - 30_000 })]).toContain(shown);
}

function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('Vite: npm pack → install the tarball → vite build → QR and code in Chromium', async ({ page }) => {
  test.setTimeout(180_000);
  const out = mkdtempSync(join(tmpdir(), 'totpkit-pack-'));
  const tgz = execFileSync('npm', ['pack', pkgDir, '--pack-destination', out, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  if (!existsSync(join(viteApp, 'node_modules', 'vite'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: viteApp, stdio: 'inherit' });
  }
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', join(out, tgz)], { cwd: viteApp, stdio: 'inherit' });
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: viteApp, stdio: 'inherit' });
  const server = await serveStatic({ mounts: { '/': join(viteApp, 'dist') }, headers: { 'content-security-policy': CSP } });
  try {
    const errors = watchErrors(page);
    await page.goto(server.base + '/');
    await expectQrAndCode(page);
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});

test('plain <script type="module"> page, no bundler, under a strict CSP', async ({ page }) => {
  const server = await serveStatic({
    mounts: { '/': join(root, 'tests', 'consumers', 'plain'), '/pkg/': pkgDir },
    headers: { 'content-security-policy': CSP },
  });
  try {
    const errors = watchErrors(page);
    await page.goto(server.base + '/');
    await expectQrAndCode(page);
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});

test('TypeScript: every public function type-checks under --strict, with no any', () => {
  execFileSync('npx', ['tsc', '-p', join(root, 'tests', 'consumers', 'ts', 'tsconfig.json')], { stdio: 'inherit' });
  const dts = readFileSync(join(pkgDir, 'totpkit.d.ts'), 'utf8');
  const exported = dts.split('\n').filter((l) => /^export (function|interface|type) /.test(l) || /^ {2,4}\w+\??: /.test(l));
  // InitOutput (wasm-bindgen's raw ABI table) is the one place `any` is allowed.
  const publicPart = dts.slice(0, dts.indexOf('export interface InitOutput'));
  expect(publicPart).not.toMatch(/\bany\b/);
  for (const fn of ['generateSecret', 'formatSecret', 'buildOtpauthUri', 'parseOtpauthUri', 'totpCode', 'hotpCode', 'verifyTotp', 'renderQrSvg', 'qrMatrix', 'enrollment', 'estimateClockOffset', 'parseHttpDate', 'checkClock', 'codePreview', 'diagnoseCode']) {
    expect(exported.some((l) => l.startsWith(`export function ${fn}(`)), fn).toBe(true);
  }
});
