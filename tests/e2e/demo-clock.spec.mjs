// The clock banner and the clock diagnosis: this computer's clock made wrong by faking the
// browser's clock (page.clock), or the server's clock shifted with --clock-offset-ms.
import { test, expect } from './support/fixtures.mjs';
import { heading, onScreen, openDemo, logIn, enterCode, enroll, continueToLogin, manualKey, previewCodes } from './support/flow.mjs';
import { Phone } from './support/phone.mjs';

const ARTICLE = 'The credentials have expired. Looks like something went wrong. Please try logging again from the application.';
const banner = (page) => page.getByRole('complementary', { name: /^Your computer's clock is/ });

test.describe('browser clock 5 minutes ahead', () => {
  test.beforeEach(async ({ page }) => {
    await page.clock.install({ time: Date.now() + 300_000 });
    await page.clock.resume();
  });

  test('the banner says "about 5 minutes ahead" with this OS\'s steps first; codes still work; bad codes blame the computer\'s clock', async ({ page, server }) => {
    await openDemo(page, server);
    await expect(banner(page)).toBeVisible();
    await expect(banner(page).getByRole('heading', { level: 2 })).toHaveText("Your computer's clock is about 5 minutes ahead");
    // Headless Chromium here runs on Linux: its steps first, the others behind a disclosure.
    await expect(banner(page).getByRole('heading', { name: 'On Linux' })).toBeVisible();
    await expect(banner(page)).toContainText('timedatectl set-ntp true');
    await expect(banner(page).getByRole('heading', { name: 'On Windows' })).toBeHidden();
    await banner(page).getByText('Steps for other systems').click();
    await expect(banner(page).getByRole('heading', { name: 'On Windows' })).toBeVisible();
    await expect(banner(page)).toContainText('Settings > Time & Language > Date & time');
    await expect(banner(page)).toContainText('"Set time automatically"');
    await expect(banner(page).getByRole('heading', { name: 'On macOS' })).toBeVisible();
    await expect(banner(page)).toContainText('System Settings > General > Date & Time');
    await expect(banner(page)).toContainText('"Set time and date automatically"');
    // Told to screen readers too, in the banner's status region.
    await expect(banner(page).getByRole('status')).toHaveText(/Your computer's clock is about 5 minutes ahead/);

    // The phone is right; the server checks with its own clock, so enrollment still works, and
    // "What should my app show?" corrects the preview to the server's time.
    const { phone } = await enroll(page, server);
    await continueToLogin(page, server);
    const error = onScreen(page).getByRole('alert');
    await enterCode(page, phone.wrongCode());
    await enterCode(page, phone.wrongCode());
    await expect(error).toContainText(ARTICLE);
    await expect(error).toContainText("This computer's clock is about 5 minutes ahead.");
    // The steps are in the banner already: a button takes the reader there.
    await page.getByRole('button', { name: "Show how to fix this computer's clock" }).click();
    await expect(banner(page).getByRole('heading', { level: 2 })).toBeFocused();
    await expect(banner(page).getByRole('heading', { name: 'On Linux' })).toBeVisible();
    await enterCode(page, await phone.freshCode());
    await expect(heading(page, 'Welcome')).toBeVisible();
  });

  test('"What should my app show?" shows the code for the server\'s time, not the wrong local one', async ({ page, server }) => {
    await openDemo(page, server);
    await expect(banner(page)).toBeVisible();
    await logIn(page, server);
    await page.getByRole('button', { name: 'Trouble scanning?' }).click();
    const key = (await manualKey(page).textContent()).replaceAll(' ', '');
    const phone = new Phone(key);
    await page.getByText('What should my app show?').click();
    await expect(previewCodes(page)).toHaveCount(2);
    const shown = await previewCodes(page).first().textContent();
    expect([phone.code(0), phone.code(-1), phone.code(1)]).toContain(shown);
    // Without the correction it would be 10 steps (5 minutes) ahead.
    expect(shown).not.toBe(phone.code(10));
  });
});

test.describe('server clock shifted 5 minutes ahead (--clock-offset-ms 300000)', () => {
  test.use({ serverOptions: { clockOffsetMs: 300_000 } });

  test('the banner says this computer is about 5 minutes behind, and "Check the clock again" keeps it', async ({ page, server }) => {
    await openDemo(page, server);
    await expect(banner(page).getByRole('heading', { level: 2 })).toHaveText("Your computer's clock is about 5 minutes behind");
    await expect(banner(page).getByRole('heading', { name: 'On Linux' })).toBeVisible();
    await banner(page).getByRole('button', { name: 'Check the clock again' }).click();
    await expect(banner(page).getByRole('heading', { level: 2 })).toHaveText("Your computer's clock is about 5 minutes behind");
  });
});

test.describe('server clock right', () => {
  test('no banner when the clocks agree', async ({ page, server }) => {
    await openDemo(page, server);
    // Wait for the check to finish before looking.
    await expect(page.locator('#clock-banner')).toHaveAttribute('data-status', 'ok');
    await expect(banner(page)).toBeHidden();
  });
});

test.describe('clock changed while the page is open', () => {
  test('the check runs again when the tab becomes visible', async ({ page, server }) => {
    await page.clock.install({ time: Date.now() });
    await page.clock.resume();
    await openDemo(page, server);
    await expect(page.locator('#clock-banner')).toHaveAttribute('data-status', 'ok');
    await expect(banner(page)).toBeHidden();
    // The computer's clock jumps 3 minutes ahead while the tab is in the background.
    await page.clock.setSystemTime(Date.now() + 180_000);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect(banner(page).getByRole('heading', { level: 2 })).toHaveText("Your computer's clock is about 3 minutes ahead");
  });
});

test.describe('another operating system', () => {
  test.use({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36' });
  test.beforeEach(async ({ page }) => {
    await page.clock.install({ time: Date.now() - 120_000 });
    await page.clock.resume();
  });

  test('on Windows the Windows steps come first', async ({ page, server }) => {
    await openDemo(page, server);
    await expect(banner(page).getByRole('heading', { level: 2 })).toHaveText("Your computer's clock is about 2 minutes behind");
    await expect(banner(page).getByRole('heading', { name: 'On Windows' })).toBeVisible();
    await expect(banner(page).getByRole('heading', { name: 'On Linux' })).toBeHidden();
  });
});
