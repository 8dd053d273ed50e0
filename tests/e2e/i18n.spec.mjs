// totpkit/elements in other languages, in Chromium, on a plain page (tests/consumers/elements-i18n/)
// with the packed tarball installed, under the strict CSP: the language chosen by lang (the
// document's, an ancestor's, the element's own, by prefix, English otherwise, and again when it
// changes or a locale arrives late), sentences with Intl's numbers in every language, Arabic laid
// out right to left with the key and the code field left to right, codes typed in Arabic-Indic,
// Devanagari and full-width digits, keyboard-only enrollment in Arabic, the "Copied" status that
// clears and speaks again, and screenshots (tests/e2e/screenshots/i18n-*.png: look at them) with
// axe at 320 px in ar and ja, light and dark, plus axe in de.
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import * as OTPAuth from 'otpauth';
import { consumerSite } from './support/consumer-site.mjs';
import { tabTo, countPointerEvents } from './support/keyboard.mjs';
import { awayFromStepEdge } from './support/phone.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const TAGS = ['es', 'fr', 'de', 'pt-BR', 'ja', 'zh-CN', 'ko', 'ru', 'ar', 'tr'];
const SECRET = new OTPAuth.Secret({ size: 20 }).base32;
const URI = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: OTPAuth.Secret.fromBase32(SECRET) }).toString();
/** The code an authenticator app shows at Date.now() + `ms` (otpauth, not totpkit). */
const codeAt = (ms) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) }).generate({ timestamp: Date.now() + ms });
/** A code written in another script's digits: `zero` is that script's 0 (U+0660 Arabic-Indic…). */
const digitsOf = (code, zero) => code.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
const grouped = (code) => `${code.slice(0, 3)} ${code.slice(3)}`;

const site = consumerSite('elements-i18n');

async function open(page, query = {}) {
  await page.goto(`${site.base}/?${new URLSearchParams({ uri: URI, ...query })}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(enrollment(page).getByRole('img')).toBeVisible();
}
const enrollment = (page) => page.locator('totp-enrollment');
const field = (page) => page.locator('totp-code-field');
const received = (page) => page.locator('#received li');
/** The element's sentences as it speaks them now (its `strings`). */
const words = (scope) => scope.evaluate((el) => {
  const t = el.strings;
  return { ...Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === 'string')), systems: t.systems };
});

test('the language comes from lang: the document\'s, an ancestor\'s, the element\'s own; by prefix; English otherwise; again when it changes', async ({ page }) => {
  await open(page, { lang: 'de' });
  await expect(enrollment(page).getByRole('button', { name: 'Probleme beim Scannen?' })).toBeVisible();
  await expect(field(page).getByRole('button', { name: 'Bestätigen' })).toBeVisible();
  await expect(field(page).getByLabel('Bestätigungscode')).toBeVisible();

  const verify = field(page).getByRole('button').first();
  const setLang = (where, lang) => page.evaluate(([w, l]) => {
    const el = w === 'field' ? document.querySelector('totp-code-field') : w === 'parent' ? document.querySelector('form') : document.documentElement;
    if (l === null) el.removeAttribute('lang');
    else el.lang = l;
  }, [where, lang]);
  // An ancestor's lang (fr-CA: French by its prefix).
  await setLang('parent', 'fr-CA');
  await expect(verify).toHaveText('Valider');
  // The element's own.
  await setLang('field', 'ja');
  await expect(verify).toHaveText('確認');
  // pt-PT: no pt, so the first pt-* there is (pt-BR).
  await setLang('field', 'pt-PT');
  await expect(verify).toHaveText('Verificar');
  // zh-TW: no zh, so zh-CN.
  await setLang('field', 'zh-TW');
  await expect(verify).toHaveText('验证');
  // A language nobody registered: English.
  await setLang('field', 'xx');
  await expect(verify).toHaveText('Verify');
  await setLang('field', null);
  await setLang('parent', null);
  await expect(verify).toHaveText('Bestätigen');
  // The document's changes: every element follows, the banner's host too.
  await setLang('document', 'es');
  await expect(enrollment(page).getByRole('button', { name: '¿No puedes escanearlo?' })).toBeVisible();
  await expect(verify).toHaveText('Verificar');
  // strings still overrides a key, on top of the language.
  await field(page).evaluate((el) => { el.strings = { verify: 'Enviar' }; });
  await expect(verify).toHaveText('Enviar');
  await expect(field(page).getByLabel('Código de verificación')).toBeVisible();
});

test('a locale imported after the elements rendered takes over at once', async ({ page }) => {
  await open(page, { lang: 'de', locales: 'none' });
  await expect(enrollment(page).getByRole('button', { name: 'Trouble scanning?' })).toBeVisible();
  await page.evaluate(() => import('/pkg/locales/de.js'));
  await expect(enrollment(page).getByRole('button', { name: 'Probleme beim Scannen?' })).toBeVisible();
  await expect(field(page).getByRole('button', { name: 'Bestätigen' })).toBeVisible();
});

test('every language: the drift sentence and the attempts left, with the numbers as this browser\'s Intl writes them', async ({ page }) => {
  for (const tag of TAGS) {
    await open(page, { lang: tag });
    const e = enrollment(page);
    const t = await words(e);
    await e.getByRole('button', { name: t.trouble }).click();
    // The element diagnoses against its own clock once the whole module has loaded: the code
    // is made with 8 s left in its step, so the page reads it 3 steps back, not 4.
    await awayFromStepEdge(8000);
    await e.getByLabel(t.code).fill(codeAt(-90_000));
    await e.getByLabel(t.code).press('Enter');
    await expect(received(page)).toHaveCount(1);
    await e.evaluate((el) => el.rejectCode({ attemptsLeft: 5 }));
    const alert = e.getByRole('alert');
    const intl = await page.evaluate((l) => ({
      drift: new Intl.NumberFormat(l).format(1.5),
      five: new Intl.NumberFormat(l).format(5),
      thirty: new Intl.NumberFormat(l).format(30),
    }), tag);
    await expect(alert, tag).toContainText(intl.drift);
    await expect(alert, tag).toContainText(intl.five);
    // The phones' steps, in this language, under their own headings.
    await expect(e.getByRole('heading', { name: t.fixPhone })).toBeVisible();
    await expect(e.getByText(t.systems.ios[1])).toBeVisible();
    // The settings: 30 s as this language says it.
    await expect(e.getByRole('definition').last(), tag).toContainText(intl.thirty);
  }
});

test('ar: the element mirrors (its dir is rtl); the key and the code field stay left to right', async ({ page }) => {
  // The page itself is left to right: the element takes Arabic's direction on its own.
  await open(page, { lang: 'ar' });
  const e = enrollment(page);
  const t = await words(e);
  await expect(e).toHaveAttribute('dir', 'rtl');
  await expect(field(page)).toHaveAttribute('dir', 'rtl');
  const dir = (locator) => locator.evaluate((el) => getComputedStyle(el).direction);
  expect(await dir(e.getByRole('button', { name: t.trouble }))).toBe('rtl');
  // The QR comes first in the row, so on the right; issuer and account to its left.
  const [qr, terms] = [await e.getByRole('img').boundingBox(), await e.getByRole('term').first().boundingBox()];
  expect(qr.x).toBeGreaterThan(terms.x);
  // The trouble button starts at the right edge of the element.
  const [host, trouble] = [await e.boundingBox(), await e.getByRole('button', { name: t.trouble }).boundingBox()];
  expect(host.x + host.width - (trouble.x + trouble.width)).toBeLessThan(2);
  await e.getByRole('button', { name: t.trouble }).click();
  expect(await dir(e.locator('code'))).toBe('ltr');
  expect(await dir(e.getByLabel(t.code))).toBe('ltr');
  expect((await e.locator('code').textContent()).replaceAll(' ', '')).toBe(SECRET);
  // An English element next to it stays left to right.
  await field(page).evaluate((el) => { el.lang = 'en'; });
  await expect(field(page)).toHaveAttribute('dir', 'ltr');
  await expect(field(page).getByRole('button', { name: 'Verify' })).toBeVisible();
});

test('codes typed in Arabic-Indic, Persian, Devanagari, full-width and mixed digits arrive as ASCII', async ({ page }) => {
  await open(page, { lang: 'ar' });
  const e = enrollment(page);
  const t = await words(e);
  const code = codeAt(0);
  const typings = [grouped(digitsOf(code, 0x660)), digitsOf(code, 0x6f0), grouped(digitsOf(code, 0x966)), digitsOf(code, 0xff10), `${digitsOf(code.slice(0, 3), 0x660)}-${code.slice(3)}`];
  for (const [i, typed] of typings.entries()) {
    await e.getByLabel(t.code).fill(typed);
    await e.getByLabel(t.code).press('Enter');
    await expect(received(page)).toHaveCount(i + 1);
    await expect(received(page).last()).toHaveText(`totp-code from totp-enrollment: ${code}`);
  }
  // Anything that is not a digit is still refused, in the element's language.
  await e.getByLabel(t.code).fill('١٢٣ ٤٥x');
  await e.getByLabel(t.code).press('Enter');
  await expect(e.getByRole('alert')).toHaveText(await e.evaluate((el) => el.strings.enterCode(6)));
  await expect(received(page)).toHaveCount(typings.length);
});

test('ar, keyboard only: open the key, copy it, type the code in Arabic-Indic digits and submit', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const noPointer = await countPointerEvents(page);
  await open(page, { lang: 'ar', dir: 'rtl' });
  const e = enrollment(page);
  const t = await words(e);
  await tabTo(page, t.trouble);
  await page.keyboard.press('Enter');
  await expect(e.getByRole('button', { name: t.trouble })).toHaveAttribute('aria-expanded', 'true');
  await tabTo(page, t.copyKey);
  await page.keyboard.press('Space');
  await expect(e.getByRole('status').filter({ hasText: t.copied })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SECRET);
  await tabTo(page, t.code);
  const code = codeAt(0);
  await page.keyboard.type(grouped(digitsOf(code, 0x660)));
  await page.keyboard.press('Enter');
  await expect(received(page)).toHaveText([`totp-code from totp-enrollment: ${code}`]);
  await e.evaluate((el) => el.acceptCode());
  await expect(e.getByRole('status').filter({ hasText: t.accepted })).toBeVisible();
  await noPointer();
});

test('"Copied" empties after a few seconds, and the next copy says it again', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.clock.install();
  await open(page);
  const e = enrollment(page);
  await e.getByRole('button', { name: 'Trouble scanning?' }).click();
  // Every text the status region shows, in order.
  await e.evaluate((el) => {
    const status = el.shadowRoot.querySelector('[part="copy-status"]');
    window.said = [];
    new MutationObserver(() => window.said.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  const status = e.locator('[part="copy-status"]');
  await expect(status).toHaveAttribute('role', 'status');
  await e.getByRole('button', { name: 'Copy key' }).click();
  await expect(status).toHaveText('Copied');
  await page.clock.fastForward(3000);
  await expect(status).toHaveText('Copied');
  await page.clock.fastForward(2000);
  await expect(status).toHaveText('');
  await e.getByRole('button', { name: 'Copy key' }).click();
  await expect(status).toHaveText('Copied');
  // Empty before each "Copied": a screen reader hears it twice, not once.
  const said = (await page.evaluate(() => window.said)).filter((text, i, all) => text !== all[i - 1]);
  expect(said).toEqual(['Copied', '', 'Copied']);
});

test('screenshots at 320 px in ar and ja, light and dark, and axe with 0 violations in ar, ja and de', async ({ page, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  mkdirSync(SHOTS, { recursive: true });
  const checked = [];
  async function capture(tag, name, { shots }) {
    const variants = shots ? [[320, 'light'], [320, 'dark'], [1280, 'light']] : [[320, 'light'], [1280, 'dark']];
    for (const [width, colorScheme] of variants) {
      await page.setViewportSize({ width, height: width > 600 ? 900 : 640 });
      await page.emulateMedia({ colorScheme });
      if (shots) await page.screenshot({ path: join(SHOTS, `i18n-${tag}-${name}-${width}-${colorScheme}.png`), fullPage: true });
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect.soft(violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        `axe on ${tag} "${name}" at ${width} px, ${colorScheme}`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect.soft(overflow, `${tag} "${name}" at ${width} px scrolls sideways`).toBe(0);
      checked.push(`${tag}/${name}/${width}/${colorScheme}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  }
  for (const [tag, dir, shots] of [['ar', 'rtl', true], ['ja', 'ltr', true], ['de', 'ltr', false]]) {
    await page.clock.install({ time: Date.now() });
    await open(page, { lang: tag, dir });
    const e = enrollment(page);
    const t = await words(e);
    await capture(tag, '1-enrollment', { shots });
    await e.getByRole('button', { name: t.trouble }).click();
    await e.getByRole('button', { name: t.copyKey }).click();
    await e.getByText(t.preview).click();
    await capture(tag, '2-key-preview', { shots });
    await awayFromStepEdge(8000);
    await e.getByLabel(t.code).fill(grouped(digitsOf(codeAt(-90_000), 0x660)));
    await e.getByLabel(t.code).press('Enter');
    await e.evaluate((el) => el.rejectCode({ attemptsLeft: 2 }));
    await expect(e.getByRole('heading', { name: t.fixPhone })).toBeVisible();
    await capture(tag, '3-phone-behind', { shots });
    // The computer's clock 5 minutes ahead: the banner.
    await page.clock.install({ time: Date.now() + 300_000 });
    await open(page, { lang: tag, dir });
    const banner = page.locator('totp-clock-check').getByRole('complementary');
    await expect(banner).toBeVisible();
    await banner.getByText(t.otherSystems).click();
    await capture(tag, '4-clock-banner', { shots });
  }
  expect(checked).toHaveLength(2 * 4 * 3 + 4 * 2);
});
