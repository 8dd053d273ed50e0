// The demo in other languages, against the real mock server: it follows the browser's languages,
// the picker switches the page and the elements together (and the pick is kept), Arabic lays the
// page out right to left, and a code typed in Arabic-Indic (١٢٣ ٤٥٦), Devanagari or full-width
// digits is accepted end to end: by the elements at enrollment and login, and by the server
// itself when such a code reaches it. Screenshots: tests/e2e/screenshots/demo-i18n-*.png.
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './support/fixtures.mjs';
import { onScreen } from './support/flow.mjs';
import { readQr } from './support/qr.mjs';
import { Phone } from './support/phone.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'tests', 'e2e', 'screenshots');
const demoWords = async (tag) => (await import(pathToFileURL(join(ROOT, 'www', 'lang', `${tag}.js`)).href)).default;
const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });
/** A code written in another script's digits: `zero` is that script's 0. */
const digitsOf = (code, zero) => code.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
const grouped = (code) => `${code.slice(0, 3)} ${code.slice(3)}`;
/** The code field's label and button, in the elements' words for the page's language. */
const elementWords = (page) => page.locator('totp-enrollment, totp-code-field').first().evaluate((el) => ({ code: el.strings.code, verify: el.strings.verify }));

async function logIn(page, server, w) {
  await onScreen(page).getByLabel(w.email).fill(server.email);
  await onScreen(page).getByLabel(w.password, { exact: true }).fill(server.password);
  await onScreen(page).getByRole('button', { name: w['login.submit'] }).click();
}

async function typeCode(page, typed) {
  const { code, verify } = await elementWords(page);
  await onScreen(page).getByLabel(code).fill(typed);
  await onScreen(page).getByRole('button', { name: verify, exact: true }).click();
}

test.describe('a browser that prefers Japanese', () => {
  test.use({ locale: 'ja-JP' });
  test('the demo and its elements speak Japanese from the first page', async ({ page, server }) => {
    const ja = await demoWords('ja');
    await page.goto(server.url);
    await expect(heading(page, ja['login.title'])).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
    await expect(page.getByLabel(ja.language)).toHaveValue('ja');
    expect(await page.title()).toBe(ja.title(ja['login.title']));
    await logIn(page, server, ja);
    await expect(heading(page, ja['enroll.title'])).toBeVisible();
    await expect(onScreen(page).getByRole('button', { name: 'スキャンできない場合' })).toBeVisible();
    await expect(onScreen(page).getByLabel('認証コード')).toBeVisible();
  });
});

test.describe('a browser that prefers Portuguese from Portugal', () => {
  test.use({ locale: 'pt-PT' });
  test('is served Brazilian Portuguese, the nearest the demo has', async ({ page, server }) => {
    const pt = await demoWords('pt-BR');
    await page.goto(server.url);
    await expect(heading(page, pt['login.title'])).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'pt-BR');
  });
});

test('the picker switches the page and the elements, right to left for Arabic, and the pick is kept', async ({ page, server }) => {
  const [en, ar, de] = await Promise.all(['en', 'ar', 'de'].map(demoWords));
  await page.goto(server.url);
  await expect(heading(page, en['login.title'])).toBeVisible();
  await page.getByLabel(en.language).selectOption('ar');
  await expect(heading(page, ar['login.title'])).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await expect(onScreen(page).getByLabel(ar.email)).toBeVisible();
  // The login step's fields start at the right.
  const [main, email] = [await page.locator('main').boundingBox(), await onScreen(page).getByLabel(ar.email).boundingBox()];
  expect(main.x + main.width - (email.x + email.width)).toBeLessThan(60);
  // Kept across a reload.
  await page.reload();
  await expect(heading(page, ar['login.title'])).toBeVisible();
  await logIn(page, server, ar);
  await expect(heading(page, ar['enroll.title'])).toBeVisible();
  // The element's own "Trouble scanning?" text is the demo's, in Arabic.
  const trouble = await page.locator('totp-enrollment').evaluate((el) => el.strings.trouble);
  await onScreen(page).getByRole('button', { name: trouble }).click();
  await expect(onScreen(page).getByText(ar.manual.slice(0, 30))).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  for (const [width, colorScheme] of [[320, 'light'], [320, 'dark'], [1280, 'light']]) {
    await page.setViewportSize({ width, height: width > 600 ? 900 : 640 });
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: join(SHOTS, `demo-i18n-ar-enroll-${width}-${colorScheme}.png`), fullPage: true });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect.soft(violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe at ${width} px ${colorScheme}`).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect.soft(overflow, `${width} px scrolls sideways`).toBe(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  // German now: the step and the elements follow at once.
  await page.getByLabel(ar.language).selectOption('de');
  await expect(heading(page, de['enroll.title'])).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await expect(onScreen(page).getByRole('button', { name: 'Probleme beim Scannen?' })).toBeVisible();
  expect(await page.title()).toBe(de.title(de['enroll.title']));
});

test('codes typed as ١٢٣ ٤٥٦, in Devanagari and full-width are accepted end to end; the server reads them too', async ({ page, server }) => {
  // Four codes, each used once: the phone waits for new steps (up to a minute).
  test.setTimeout(180_000);
  const ar = await demoWords('ar');
  await page.goto(server.url);
  await page.getByLabel('Language').selectOption('ar');
  await logIn(page, server, ar);
  await expect(heading(page, ar['enroll.title'])).toBeVisible();
  const phone = await scanQrIn(page);
  // Enrollment, the code in Arabic-Indic digits with a space, as an Arabic keyboard types it.
  await phone.awayFromStepEdge();
  await typeCode(page, grouped(digitsOf(await phone.freshCode(), 0x660)));
  await expect(heading(page, ar['recovery.title'])).toBeVisible();
  await onScreen(page).getByLabel(ar['recovery.saved']).check();
  await onScreen(page).getByRole('button', { name: ar.continue }).click();
  await expect(heading(page, ar['done.title'])).toBeVisible();
  await onScreen(page).getByRole('button', { name: ar.continue }).click();
  await expect(heading(page, ar['login.title'])).toBeVisible();

  // Login, the code in Devanagari.
  await logIn(page, server, ar);
  await expect(heading(page, ar['otp.title'])).toBeVisible();
  await typeCode(page, digitsOf(await phone.freshCode(), 0x966));
  await expect(heading(page, ar['welcome.title'])).toBeVisible();
  await onScreen(page).getByRole('button', { name: ar.logout }).click();

  // Login, the code in full-width digits.
  await logIn(page, server, ar);
  await expect(heading(page, ar['otp.title'])).toBeVisible();
  await typeCode(page, grouped(digitsOf(await phone.freshCode(), 0xff10)));
  await expect(heading(page, ar['welcome.title'])).toBeVisible();
  await onScreen(page).getByRole('button', { name: ar.logout }).click();

  // The server's own parser (the core's): a code sent in Arabic-Indic digits, straight to the API.
  await logIn(page, server, ar);
  await expect(heading(page, ar['otp.title'])).toBeVisible();
  const sent = grouped(digitsOf(await phone.freshCode(), 0x660));
  const answer = await page.evaluate(async (code) => {
    const res = await fetch('/api/login/otp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    return res.status;
  }, sent);
  expect(answer).toBe(200);
  await page.reload();
  await expect(heading(page, ar['welcome.title'])).toBeVisible();
});

/** The QR on the enrollment step (whatever its name in this language), read as the phone does. */
async function scanQrIn(page) {
  const qr = page.locator('totp-enrollment').getByRole('img');
  await expect(qr).toBeVisible();
  return Phone.fromUri(await readQr(qr));
}
