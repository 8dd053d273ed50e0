// totpkit/elements in Chromium, on a plain page (tests/consumers/elements/) with the packed
// tarball installed, under the strict CSP (script-src 'self' 'wasm-unsafe-eval'; style-src
// 'self'): every element found by role and label, the QR read back from a screenshot by jsQR,
// Copy key, pasted codes normalized by the core, rejectCode's diagnosis (phone behind, ahead, an
// ignored setting), the settings warning, the app link first on a phone, the clock banner with
// a faked clock, keyboard only, and axe with screenshots of every state at 1280 and 320 px in
// light and dark (tests/e2e/screenshots/elements-*.png; look at them).
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import * as OTPAuth from 'otpauth';
import { awayFromStepEdge } from './support/phone.mjs';
import { consumerSite } from './support/consumer-site.mjs';
import { readQr } from './support/qr.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const SECRET = new OTPAuth.Secret({ size: 20 }).base32;
const uriFor = (opts = {}) => new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: OTPAuth.Secret.fromBase32(SECRET), ...opts }).toString();
const URI = uriFor();
/** The code an authenticator app shows at Date.now() + `ms` (otpauth, not totpkit). */
const codeAt = (ms, opts = {}) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET), ...opts }).generate({ timestamp: Date.now() + ms });

const site = consumerSite('elements');

async function open(page, query = { uri: URI }) {
  await page.goto(`${site.base}/?${new URLSearchParams(query)}`);
  await expect(enrollment(page).getByRole('img', { name: /QR code/ })).toBeVisible();
}
const enrollment = (page) => page.locator('totp-enrollment');
const field = (page) => page.locator('totp-code-field');
const received = (page) => page.locator('#received li');

/** Types a code into a code element and presses Enter. */
async function submit(scope, code) {
  await scope.getByLabel('Authentication code').fill(code);
  await scope.getByLabel('Authentication code').press('Enter');
}

test('every element by role and label; the QR reads back; the key in groups; the settings', async ({ page }) => {
  await open(page);
  const e = enrollment(page);
  const qr = e.getByRole('img', { name: 'QR code to add ACME Co (alice@example.com) to an authenticator app' });
  await expect(qr).toBeVisible();
  expect(await readQr(qr)).toBe(URI);
  await expect(e.getByRole('definition')).toHaveText(['ACME Co', 'alice@example.com']);
  await expect(e.getByRole('link', { name: 'Open in authenticator app' })).toHaveAttribute('href', URI);
  const trouble = e.getByRole('button', { name: 'Trouble scanning?' });
  await expect(trouble).toHaveAttribute('aria-expanded', 'false');
  await expect(e.locator('code')).toBeHidden();
  await trouble.click();
  await expect(trouble).toHaveAttribute('aria-expanded', 'true');
  const key = e.locator('code');
  await expect(key).toHaveText(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  expect((await key.textContent()).replaceAll(' ', '')).toBe(SECRET);
  await expect(e.getByRole('definition')).toHaveText(['ACME Co', 'alice@example.com', 'Time-based (TOTP)', 'SHA1', '6', '30 s']);
  await expect(e.getByText('Some authenticator apps ignore')).toHaveCount(0);

  for (const scope of [e, field(page)]) {
    const input = scope.getByLabel('Authentication code');
    await expect(input).toHaveAttribute('inputmode', 'numeric');
    await expect(input).toHaveAttribute('autocomplete', 'one-time-code');
    await expect(input).toHaveAttribute('type', 'text');
    await expect(scope.getByRole('button', { name: 'Verify' })).toBeVisible();
    await expect(scope.getByRole('alert')).toBeEmpty();
  }
  // One input per element: no per-digit boxes.
  await expect(field(page).locator('input')).toHaveCount(1);
});

test('Copy key puts the raw key on the clipboard; a refused clipboard says so', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  const e = enrollment(page);
  await e.getByRole('button', { name: 'Trouble scanning?' }).click();
  await e.getByRole('button', { name: 'Copy key' }).click();
  await expect(e.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SECRET);

  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
  });
  await e.getByRole('button', { name: 'Copy key' }).click();
  await expect(e.getByRole('status').filter({ hasText: 'Copying is blocked' })).toBeVisible();
});

test('a pasted "１２３ ４５６" becomes detail.code "123456", and the form submits the normalized code', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  for (const [scope, from] of [[field(page), 'totp-code-field'], [enrollment(page), 'totp-enrollment']]) {
    await page.evaluate(() => navigator.clipboard.writeText('１２３ ４５６'));
    const input = scope.getByLabel('Authentication code');
    await input.fill('');
    await input.focus();
    await page.keyboard.press('ControlOrMeta+V');
    await expect(input).toHaveValue('１２３ ４５６');
    await input.press('Enter');
    await expect(received(page).filter({ hasText: `totp-code from ${from}: 123456` })).toHaveCount(1);
  }
  // The field is form-associated: its form submitted with name=code, normalized.
  await expect(received(page).filter({ hasText: 'form submit: code=123456' })).toHaveCount(1);
  // The event bubbles out of the shadow root and is composed.
  const flags = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('totp-code', (e) => resolve([e.bubbles, e.composed, e.detail.code]), { once: true });
    const f = document.querySelector('totp-code-field').shadowRoot;
    f.querySelector('input').value = '123-456';
    f.querySelector('form').requestSubmit();
  }));
  expect(flags).toEqual([true, true, '123456']);

  for (const [typed, shown] of [['12345', 'Enter the 6-digit code'], ['12a456', 'Enter the 6-digit code']]) {
    await submit(enrollment(page), typed);
    await expect(enrollment(page).getByRole('alert')).toContainText(shown);
    await expect(enrollment(page).getByLabel('Authentication code')).toHaveAttribute('aria-invalid', 'true');
  }
});

test('rejectCode: a code from 3 steps ago says "behind", 4 steps ahead says "ahead", with the phone fixes', async ({ page }) => {
  await open(page);
  for (const scope of [enrollment(page), field(page)]) {
    const alert = scope.getByRole('alert');
    // The element diagnoses the code against its own clock, after loading what it needs: the
    // code is made with 8 s left in its step, so the page reads it in the same step.
    await awayFromStepEdge(8000);
    await submit(scope, codeAt(-90_000));
    await scope.evaluate((el) => el.rejectCode({ attemptsLeft: 2 }));
    await expect(alert).toContainText("Your phone's clock is about 1.5 minutes behind");
    await expect(alert).toContainText('2 attempts left.');
    await expect(scope.getByRole('heading', { name: "Fix your phone's clock" })).toBeVisible();
    // On a computer the phone is unknown: both phones' steps, openly.
    await expect(scope.getByRole('heading', { name: 'On Android' })).toBeVisible();
    await expect(scope.getByRole('heading', { name: 'On iPhone and iPad' })).toBeVisible();
    await expect(scope.getByText('Set Automatically')).toBeVisible();
    await expect(scope.getByLabel('Authentication code')).toBeFocused();

    await awayFromStepEdge(8000);
    await submit(scope, codeAt(120_000));
    await scope.evaluate((el) => el.rejectCode());
    await expect(alert).toContainText("Your phone's clock is about 2 minutes ahead");

    await submit(scope, codeAt(0));
    await scope.evaluate((el) => el.rejectCode({ retryAfter: 2 }));
    await expect(alert).toHaveText('Too many attempts - try again in 2 s.');
    await expect(scope.getByRole('button', { name: 'Verify' })).toBeDisabled();
    await expect(scope.getByRole('button', { name: 'Verify' })).toBeEnabled({ timeout: 4000 });
  }
  // Without a key the field cannot diagnose: the generic sentence.
  await field(page).evaluate((el) => { el.uri = ''; });
  await submit(field(page), codeAt(-90_000));
  await field(page).evaluate((el) => el.rejectCode());
  await expect(field(page).getByRole('alert')).toHaveText("That code didn't work. Try the next one.");

  // A code of another account: check the QR code.
  await submit(enrollment(page), '000000' === codeAt(0) ? '111111' : '000000');
  await enrollment(page).evaluate((el) => el.rejectCode());
  await expect(enrollment(page).getByRole('alert')).toContainText('check that you scanned the right QR code');

  // acceptCode: success, and the secret leaves the page.
  await enrollment(page).evaluate((el) => el.acceptCode());
  await expect(enrollment(page).getByRole('status').filter({ hasText: 'Code accepted.' })).toBeVisible();
  await expect(enrollment(page).getByRole('img', { name: /QR code/ })).toHaveCount(0);
  await expect(enrollment(page).locator('code')).toHaveCount(0);
});

test('rejectCode takes a server kit refusal as is: throttled holds Verify for retryAfterMs, replayed, resync with the offset, locked', async ({ page }) => {
  await open(page);
  for (const scope of [enrollment(page), field(page)]) {
    const alert = scope.getByRole('alert');
    const verify = scope.getByRole('button', { name: 'Verify' });
    // throttled: the wait in ms, said in seconds, Verify held until it ends.
    await submit(scope, codeAt(0));
    await scope.evaluate((el) => el.rejectCode({ ok: false, reason: 'throttled', retryAfterMs: 1500 }));
    await expect(alert).toHaveText('Too many attempts - try again in 2 s.');
    await expect(verify).toBeDisabled();
    await expect(verify).toBeEnabled({ timeout: 4000 });
    await expect(alert).toHaveText('');

    await submit(scope, codeAt(0));
    await scope.evaluate((el) => el.rejectCode({ ok: false, reason: 'replayed' }));
    await expect(alert).toHaveText('That code was already used. Wait for the next one.');

    // resync: the server measured the phone's offset (positive: ahead); no clock fix is offered,
    // since the next code at that offset finishes.
    await submit(scope, codeAt(-120_000));
    await scope.evaluate((el) => el.rejectCode({ ok: false, reason: 'resync', offsetSeconds: -120 }));
    await expect(alert).toHaveText("Your phone's clock is about 2 minutes behind: enter the next code to finish.");
    await expect(scope.getByRole('heading', { name: "Fix your phone's clock" })).toBeHidden();
    await submit(scope, codeAt(240_000));
    await scope.evaluate((el) => el.rejectCode({ ok: false, reason: 'resync', offsetSeconds: 240 }));
    await expect(alert).toHaveText("Your phone's clock is about 4 minutes ahead: enter the next code to finish.");

    await submit(scope, codeAt(0));
    await scope.evaluate((el) => el.rejectCode({ ok: false, reason: 'locked' }));
    await expect(alert).toHaveText('Too many attempts: this account is locked. Use a recovery code.');
    await expect(verify).toBeEnabled();

    // invalid with attemptsLeft: the diagnosis, then the count, as before.
    await awayFromStepEdge(8000);
    await submit(scope, codeAt(-90_000));
    await scope.evaluate((el) => el.rejectCode({ ok: false, reason: 'invalid', attemptsLeft: 3 }));
    await expect(alert).toContainText("Your phone's clock is about 1.5 minutes behind");
    await expect(alert).toContainText('3 attempts left.');

    for (const [reason, said] of [['expired', 'This step has expired. Start again.'], ['no_pending', 'This step has expired. Start again.'], ['not_enrolled', 'This step has expired. Start again.'], ['already_enrolled', 'Code accepted.'], ['malformed', 'Enter the 6-digit code from your authenticator app.'], ['toString', null]]) {
      await submit(scope, codeAt(0));
      await scope.evaluate((el, r) => el.rejectCode({ ok: false, reason: r }), reason);
      if (said) await expect(alert).toHaveText(said);
      else await expect(alert).toContainText("That code didn't work.");
    }
  }
  // In another language, the same refusal in its words.
  await page.evaluate(() => import('/pkg/locales/de.js'));
  await field(page).evaluate((el) => el.setAttribute('lang', 'de'));
  await field(page).getByLabel('Bestätigungscode').fill(codeAt(0));
  await field(page).getByLabel('Bestätigungscode').press('Enter');
  await field(page).evaluate((el) => el.rejectCode({ ok: false, reason: 'replayed' }));
  await expect(field(page).getByRole('alert')).toHaveText('Dieser Code wurde bereits verwendet. Warten Sie auf den nächsten.');
});

test('a SHA256/8/60 URI shows the settings warning; a SHA1 code for a SHA256 account names the ignored algorithm', async ({ page }) => {
  const uri = uriFor({ algorithm: 'SHA256', digits: 8, period: 60 });
  await open(page, { uri });
  const e = enrollment(page);
  await expect(e.getByText('Some authenticator apps ignore these settings')).toBeVisible();
  await expect(e.getByText('Some authenticator apps ignore these settings')).toContainText('SHA256, 8 digits, and 60 s');
  await e.getByRole('button', { name: 'Trouble scanning?' }).click();
  await expect(e.getByRole('definition')).toHaveText(['ACME Co', 'alice@example.com', 'Time-based (TOTP)', 'SHA256', '8', '60 s']);

  await open(page, { uri: uriFor({ algorithm: 'SHA256' }) });
  await submit(e, codeAt(0));
  await e.evaluate((el) => el.rejectCode());
  await expect(e.getByRole('alert')).toContainText('Your app ignored the algorithm in the QR code (this account uses SHA256).');
});

test('preview: "What should my app show?" gives the current and next codes', async ({ page }) => {
  await page.clock.install({ time: Math.floor(Date.now() / 30_000) * 30_000 + 10_000 });
  await open(page, { uri: URI, preview: '' });
  const e = enrollment(page);
  await e.getByText('What should my app show?').click();
  const now = await page.evaluate(() => Date.now());
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) });
  await expect(e.locator('.big').first()).toHaveText(totp.generate({ timestamp: now }));
  await expect(e.locator('.big').last()).toHaveText(totp.generate({ timestamp: now + 30_000 }));
  await expect(e.getByText(/^It changes in \d+ seconds? to:$/)).toBeVisible();
});

test('<totp-enrollment> fetches the QR module only; opening its preview, then the whole module', async ({ page }) => {
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').pop());
  });
  await open(page, { uri: URI, preview: '', 'field-uri': 'no' });
  expect(wasm).toEqual(['totpkit_qr_bg.wasm']);
  await enrollment(page).getByText('What should my app show?').click();
  await expect(enrollment(page).locator('.big').first()).toHaveText(/^\d{6}$/);
  expect(wasm).toEqual(['totpkit_qr_bg.wasm', 'totpkit_bg.wasm']);
});

test.describe('on a phone (isMobile, hasTouch)', () => {
  test.use({ isMobile: true, hasTouch: true, viewport: { width: 390, height: 844 } });
  test('"Open in authenticator app" comes first, before the QR code', async ({ page }) => {
    await open(page);
    const e = enrollment(page);
    const link = e.getByRole('link', { name: 'Open in authenticator app' });
    await expect(link).toHaveAttribute('href', URI);
    const [l, q] = [await link.boundingBox(), await e.getByRole('img', { name: /QR code/ }).boundingBox()];
    expect(l.y + l.height).toBeLessThanOrEqual(q.y);
    // First in the reading order too, not only on screen.
    const order = await e.evaluate((el) => [...el.shadowRoot.querySelectorAll('a, svg')].map((n) => n.localName));
    expect(order).toEqual(['a', 'svg']);
  });
});

test('the browser clock 5 minutes ahead shows the banner, with this system first; totp-clock fires', async ({ page }) => {
  await page.clock.install({ time: Date.now() + 300_000 });
  await open(page);
  const banner = page.getByRole('complementary', { name: /^Your computer's clock is/ });
  await expect(banner.getByRole('heading', { level: 2 })).toHaveText("Your computer's clock is about 5 minutes ahead");
  await expect(banner.getByRole('heading', { name: 'On Linux' })).toBeVisible();
  await expect(banner.getByRole('heading', { name: 'On Windows' })).toBeHidden();
  await banner.getByText('Steps for other systems').click();
  await expect(banner.getByRole('heading', { name: 'On Windows' })).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-clock', 'critical');
  // The enrollment now follows the server's time: a phone 90 s behind real time is "1.5 minutes
  // behind", not 6.5 minutes (out of the diagnosis' ±5 minute reach) as this computer's clock says.
  await awayFromStepEdge(8000);
  await submit(enrollment(page), codeAt(-90_000));
  await enrollment(page).evaluate((el) => el.rejectCode());
  await expect(enrollment(page).getByRole('alert')).toContainText('1.5 minutes behind');
});

test('keyboard only: open the key, copy it, type a code and submit', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.addInitScript(() => {
    window.__pointer = 0;
    for (const t of ['pointerdown', 'mousedown']) addEventListener(t, () => { window.__pointer += 1; }, true);
  });
  await open(page);
  const focusedName = () => page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return (el.labels?.[0]?.textContent || el.textContent || '').trim();
  });
  const tabTo = async (name) => {
    const seen = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const now = await focusedName();
      if (now === name) return;
      seen.push(now);
    }
    throw new Error(`Tab never reached "${name}": ${seen.join(' | ')}`);
  };
  await tabTo('Trouble scanning?');
  await page.keyboard.press('Enter');
  await tabTo('Copy key');
  await page.keyboard.press('Space');
  await expect(enrollment(page).getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SECRET);
  await tabTo('Authentication code');
  await page.keyboard.type(codeAt(0));
  await page.keyboard.press('Enter');
  await expect(received(page).filter({ hasText: `totp-code from totp-enrollment: ${codeAt(0)}` })).toHaveCount(1);
  expect(await page.evaluate(() => window.__pointer)).toBe(0);
});

test('every state at 1280 and 320 px, light and dark: screenshots and axe with 0 violations', async ({ page, context }) => {
  test.setTimeout(180_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  mkdirSync(SHOTS, { recursive: true });
  const checked = [];
  async function capture(name) {
    for (const [width, colorScheme] of [[1280, 'light'], [1280, 'dark'], [320, 'light'], [320, 'dark']]) {
      await page.setViewportSize({ width, height: width > 600 ? 900 : 640 });
      await page.emulateMedia({ colorScheme });
      await page.screenshot({ path: join(SHOTS, `elements-${name}-${width}-${colorScheme}.png`), fullPage: true });
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect.soft(violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        `axe on "${name}" at ${width} px, ${colorScheme}`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect.soft(overflow, `"${name}" at ${width} px scrolls sideways`).toBe(0);
      // The QR stays dark on white in both schemes.
      const qr = page.locator('totp-enrollment').getByRole('img', { name: /QR code/ });
      if (await qr.count()) expect(await page.evaluate(() => getComputedStyle(document.querySelector('totp-enrollment').shadowRoot.querySelector('.qr')).backgroundColor)).toBe('rgb(255, 255, 255)');
    }
    checked.push(name);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
  const e = enrollment(page);
  await open(page, { uri: URI, preview: '' });
  await capture('1-enrollment');
  await e.getByRole('button', { name: 'Trouble scanning?' }).click();
  await e.getByRole('button', { name: 'Copy key' }).click();
  await e.getByText('What should my app show?').click();
  await capture('2-key-copied-preview');
  await submit(e, '12');
  await capture('3-malformed-code');
  await awayFromStepEdge(8000);
  await submit(e, codeAt(-90_000));
  await e.evaluate((el) => el.rejectCode({ attemptsLeft: 2 }));
  await capture('4-phone-behind');
  await submit(field(page), codeAt(0));
  await field(page).evaluate((el) => el.rejectCode({ retryAfter: 30 }));
  await capture('5-field-retry-after');
  // A server kit refusal as is: the phone's offset the server measured, and the next code.
  await submit(e, codeAt(-240_000));
  await e.evaluate((el) => el.rejectCode({ ok: false, reason: 'resync', offsetSeconds: -240 }));
  await capture('5b-kit-resync');
  await e.evaluate((el) => el.acceptCode());
  await capture('6-accepted');
  await open(page, { uri: uriFor({ algorithm: 'SHA256', digits: 8, period: 60 }) });
  await capture('7-unusual-settings');
  await page.clock.install({ time: Date.now() + 300_000 });
  await open(page);
  await expect(page.getByRole('complementary')).toBeVisible();
  await page.getByText('Steps for other systems').click();
  await capture('8-clock-banner');
  expect(checked).toHaveLength(9);
});
