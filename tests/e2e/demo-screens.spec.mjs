// Every step of the demo at 1280 px and 320 px, light and dark: a full-page screenshot in
// tests/e2e/screenshots/ (git-ignored; look at them), axe-core with zero violations, and no
// sideways scrolling at 320 px.
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './support/fixtures.mjs';
import { heading, onScreen, openDemo, logIn, scanQr, enterCode, goToCode, previewCodes, continueToLogin } from './support/flow.mjs';

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');
const VARIANTS = [[1280, 'light'], [1280, 'dark'], [320, 'light'], [320, 'dark']];

/** Screenshots and axe for one state of the page, in every size and colour scheme. */
async function capture(page, name) {
  mkdirSync(DIR, { recursive: true });
  for (const [width, colorScheme] of VARIANTS) {
    await page.setViewportSize({ width, height: width > 600 ? 900 : 640 });
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: join(DIR, `${name}-${width}-${colorScheme}.png`), fullPage: true });
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect.soft(violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `axe on "${name}" at ${width} px, ${colorScheme}`).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect.soft(overflow, `"${name}" at ${width} px scrolls sideways`).toBe(0);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Wrong codes until the server makes us wait at least `minSeconds`; returns that wait. */
async function throttle(page, phone, minSeconds) {
  const error = onScreen(page).getByRole('alert');
  const verify = onScreen(page).getByRole('button', { name: 'Verify', exact: true });
  for (;;) {
    await expect(verify).toBeEnabled({ timeout: 70_000 });
    await enterCode(page, phone.wrongCode());
    await expect(error).not.toBeEmpty();
    const wait = (await error.textContent()).match(/try again in (\d+) s/);
    if (wait && Number(wait[1]) >= minSeconds) return Number(wait[1]);
  }
}

test('every step, 1280 px and 320 px, light and dark: screenshots and axe', async ({ page, server }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await openDemo(page, server);
  await capture(page, '01-login');

  await logIn(page, server, { password: 'not the password' });
  await expect(onScreen(page).getByRole('alert')).toHaveText('Wrong email or password.');
  await capture(page, '02-login-error');

  await logIn(page, server);
  await expect(heading(page, 'Set up two-factor authentication')).toBeVisible();
  const phone = await scanQr(page);
  await capture(page, '03-enroll');
  await page.getByRole('button', { name: 'Trouble scanning?' }).click();
  await page.getByRole('button', { name: 'Copy key' }).click();
  await expect(onScreen(page).getByRole('status').filter({ hasText: 'Copied' })).toHaveText('Copied');
  await capture(page, '04-enroll-trouble-scanning');

  await goToCode(page);
  await page.getByText('What should my app show?').click();
  await expect(previewCodes(page)).toHaveCount(2);
  await capture(page, '05-enroll-preview');
  await phone.awayFromStepEdge();
  await enterCode(page, phone.code(-3));
  await expect(onScreen(page).getByRole('alert')).toContainText('1.5 minutes behind');
  await capture(page, '06-enroll-phone-behind');

  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Save your recovery codes')).toBeVisible();
  const codes = await page.locator('#recovery-list li').allTextContents();
  await capture(page, '07-recovery-codes');
  await onScreen(page).getByLabel('I have saved my recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading(page, 'Two-factor authentication is on')).toBeVisible();
  await capture(page, '08-done');

  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading(page, 'Log in')).toBeVisible();
  await capture(page, '09-new-login-page');
  await logIn(page, server);
  await expect(heading(page, 'Two-factor authentication')).toBeVisible();
  await capture(page, '10-otp');

  await enterCode(page, phone.wrongCode());
  await expect(onScreen(page).getByRole('alert')).toContainText("didn't work");
  await capture(page, '11-otp-wrong-code');
  await enterCode(page, phone.wrongCode());
  await expect(onScreen(page).getByRole('alert')).toContainText('The credentials have expired');
  await capture(page, '12-otp-credentials-expired');
  const wait = await throttle(page, phone, 8);
  await capture(page, '13-otp-too-many-attempts');
  // Recovery codes share the throttle: let it pass before using one.
  await expect(onScreen(page).getByRole('button', { name: 'Verify', exact: true })).toBeEnabled({ timeout: wait * 1000 + 2000 });

  await page.getByRole('button', { name: 'Lost your device? Reset two-factor authentication' }).click();
  await expect(heading(page, 'Reset two-factor authentication')).toBeVisible();
  await capture(page, '14-reset');
  await page.getByRole('button', { name: 'Back to the authentication code' }).click();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await expect(heading(page, 'Use a recovery code')).toBeVisible();
  await capture(page, '15-recovery-login');
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill(codes[0]);
  await onScreen(page).getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(heading(page, 'Welcome')).toBeVisible();
  await capture(page, '16-welcome');
});

test('the clock banner, with the steps for other systems open', async ({ page, server }) => {
  await page.clock.install({ time: Date.now() + 300_000 });
  await page.clock.resume();
  await page.setViewportSize({ width: 1280, height: 900 });
  await openDemo(page, server);
  await expect(page.getByRole('complementary', { name: /^Your computer's clock is/ })).toBeVisible();
  await capture(page, '00-clock-banner');
  await page.getByText('Steps for other systems').click();
  await capture(page, '00-clock-banner-open');
});

test('the computer-clock diagnosis after two bad codes', async ({ page, server }) => {
  await page.clock.install({ time: Date.now() - 120_000 });
  await page.clock.resume();
  await page.setViewportSize({ width: 1280, height: 900 });
  await openDemo(page, server);
  await logIn(page, server);
  const phone = await scanQr(page);
  await goToCode(page);
  await enterCode(page, await phone.freshCode());
  await onScreen(page).getByLabel('I have saved my recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await continueToLogin(page, server);
  await enterCode(page, phone.wrongCode());
  await enterCode(page, phone.wrongCode());
  await expect(onScreen(page).getByRole('alert')).toContainText("This computer's clock is about 2 minutes behind");
  await capture(page, '12b-otp-computer-clock');
});
