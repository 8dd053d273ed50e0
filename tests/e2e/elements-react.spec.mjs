// totpkit/elements in a React 19 app built by Vite (tests/consumers/react-elements/: its own
// package.json and lockfile, the packed tarball installed on top), served under the strict CSP:
// the QR shows and reads back, and a code submitted in the element reaches the React handler
// (React 19's `ontotp-code` prop), which answers through a ref with rejectCode.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { serveStatic } from './support/static.mjs';
import { readQr } from './support/qr.mjs';
import { installConsumer, cleanUp } from '../consumers/harness.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const URI = 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co';
test.afterAll(cleanUp);

test('React 19 + Vite: the QR shows, and a submitted code reaches the React handler', async ({ page }) => {
  test.setTimeout(180_000);
  const app = installConsumer('react-elements');
  execFileSync(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
  const server = await serveStatic({ mounts: { '/': join(app, 'dist') }, headers: { 'content-security-policy': CSP } });
  try {
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.base + '/');
    const qr = page.getByRole('img', { name: 'QR code to add ACME Co (alice@example.com) to an authenticator app' });
    await expect(qr).toBeVisible();
    expect(await readQr(qr)).toBe(URI);
    await page.getByLabel('Authentication code').fill('１２３ ４５６');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'React received' })).toHaveText('React received 123456');
    await expect(page.getByRole('alert')).toContainText('4 attempts left.');
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});
