// totpkit in a Next.js 16 app (app router) as frontend developers write it (issue 15): the packed
// tarball is installed into tests/consumers/next (its own package.json and lockfile), built with
// Turbopack (`next build`) and with webpack (`next build --webpack`), and served by `next start`.
// - The route handler (app/api/code/route.js) imports totpCode and verifyTotp with no init and
//   no file path; it must give the RFC 6238 Appendix B SHA-1 vector.
// - The README's route recipe (app/api/verify/route.js with lib/accept-code.js, both verbatim
//   from npm/README.md) accepts a code once and refuses its replay.
// - The client page (app/page.js, verbatim the README's React block: 'use client', import at the
//   top, init() in an effect) must show an enrollment QR that jsQR reads back from a screenshot,
//   and a code that otpauth agrees with.
// - Two-factor sign-in with totpkit/server in about ten lines a side (issue 22): the route handler
//   app/api/2fa/[step]/route.js (createTotpServer over memoryStore(): begin, confirm, verify) and
//   the page app/two-factor/page.js (<totp-enrollment>, then <totp-code-field>). A phone (the
//   `otpauth` package) reads the QR from a screenshot, confirms, and signs in with its next code.
// Each bundler builds once (beforeAll); the install is shared and skipped when already there.
import { test, expect } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { readQr } from './support/qr.mjs';
import { Phone } from './support/phone.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = join(root, 'tests', 'consumers', 'next');
// TOTP_KEY: the kit's encryption key (32 bytes, base64), from the environment as a real app has it.
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TOTP_KEY: randomBytes(32).toString('base64') };
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"

let installed = false;
/** npm ci (when node_modules is missing), then the freshly packed tarball, as a user would. */
function install() {
  if (installed) return;
  const out = mkdtempSync(join(tmpdir(), 'totpkit-pack-'));
  const tgz = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', out, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  if (!existsSync(join(app, 'node_modules', 'next'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'inherit', env });
  }
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', join(out, tgz)], { cwd: app, stdio: 'inherit', env });
  rmSync(out, { recursive: true, force: true });
  installed = true;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** `next start` on a free port, in its own process group; resolves once it answers. */
async function start() {
  const port = await freePort();
  const child = spawn(join(app, 'node_modules', '.bin', 'next'), ['start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: app,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${log}`);
    try {
      await fetch(base + '/favicon.ico');
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer in 30 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    base,
    log: () => log,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
  };
}

for (const [bundler, args] of [['Turbopack', []], ['webpack', ['--webpack']]]) {
  test.describe(`Next.js 16, ${bundler}`, () => {
    let server;

    test.beforeAll(async () => {
      test.setTimeout(360_000);
      const t0 = Date.now();
      install();
      const t1 = Date.now();
      rmSync(join(app, '.next'), { recursive: true, force: true });
      execFileSync(join(app, 'node_modules', '.bin', 'next'), ['build', ...args], { cwd: app, stdio: 'inherit', env });
      const t2 = Date.now();
      server = await start();
      console.log(`next ${bundler}: install ${((t1 - t0) / 1000).toFixed(1)} s, build ${((t2 - t1) / 1000).toFixed(1)} s, start ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    });

    test.afterAll(() => server?.stop());

    test('route handler: totpCode and verifyTotp with no init give the RFC 6238 SHA-1 vector', async ({ request }) => {
      const res = await request.get(`${server.base}/api/code?secret=${RFC_SECRET}&t=59000&digits=8`);
      expect(res.status(), server.log()).toBe(200);
      expect(await res.json()).toEqual({ code: '94287082', verify: { valid: true, delta: 0, step: 1 } });
      // Another vector from the same table, so the answer cannot be a cached constant.
      const later = await request.get(`${server.base}/api/code?secret=${RFC_SECRET}&t=1111111109000&digits=8`);
      expect((await later.json()).code).toBe('07081804');
    });

    test("the README's route recipe: a code is accepted once, then refused; junk is refused", async ({ request }) => {
      const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(RFC_SECRET) }).generate();
      const post = (body) => request.post(`${server.base}/api/verify`, { data: body });
      const first = await post({ userId: 'alice', code });
      expect(first.status(), server.log()).toBe(200);
      expect(await first.json()).toEqual({ ok: true });
      expect((await post({ userId: 'alice', code })).status()).toBe(401); // replayed
      expect((await post({ userId: 'alice', code: 'abc' })).status()).toBe(401);
      expect((await post({ userId: 'mallory', code })).status()).toBe(401);
    });

    test('client page: init() in an effect, the enrollment QR reads back, the code is right', async ({ page }) => {
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      const wasm = [];
      page.on('response', (r) => r.url().endsWith('.wasm') && wasm.push(`${r.status()} ${r.headers()['content-type']}`));

      await page.goto(server.base + '/');
      const qr = page.locator('#qr svg');
      await expect(qr).toBeVisible();
      await expect(qr).toHaveAttribute('aria-label', 'QR code to add ACME Co (alice@example.com) to an authenticator app');

      const uri = new URL(await readQr(page.locator('#qr')));
      const key = (await page.locator('#key').textContent()).replace(/ /g, '');
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.searchParams.get('secret')).toBe(key);
      expect(uri.searchParams.get('issuer')).toBe('ACME Co');

      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) });
      const shown = await page.locator('#code').textContent();
      const now = Date.now();
      expect([totp.generate({ timestamp: now }), totp.generate({ timestamp: now - 30_000 })]).toContain(shown);

      // The browser build fetched the .wasm the bundler emitted, served as application/wasm.
      expect(wasm).toEqual(['200 application/wasm']);
      expect(errors).toEqual([]);
    });

    test('totpkit/server in route handlers with the elements: enroll from the QR, then sign in with a code', async ({ page }) => {
      const errors = [];
      // A refused code is a 401 from the route, which Chromium logs as a failed resource.
      page.on('console', (m) => m.type() === 'error' && !/status of 401/.test(m.text()) && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(server.base + '/two-factor');
      const qr = page.getByRole('img', { name: 'QR code to add ACME Co (alice@example.com) to an authenticator app' });
      await expect(qr).toBeVisible();
      const phone = Phone.fromUri(await readQr(qr));
      expect(phone.uri.issuer).toBe('ACME Co');

      // A wrong code first: the kit's refusal, forwarded as is, says how many tries are left.
      await page.getByLabel('Authentication code').fill(phone.wrongCode());
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('main').getByRole('alert')).toContainText('99 attempts left');
      await page.getByLabel('Authentication code').fill(await phone.freshCode());
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
      await expect(qr).toHaveCount(0);

      // Sign in: the confirming code is used up, the phone's next one is accepted.
      await page.getByLabel('Authentication code').fill(await phone.freshCode());
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Signed in' })).toHaveText('Signed in with a code.');
      expect(errors).toEqual([]);
    });
  });
}
