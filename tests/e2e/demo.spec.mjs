// The demo page end to end, in Debian's Chromium against the real mock server (a fresh one per
// test): the test plays the person (clicks, types, reads the screen) and the phone (an
// independent TOTP app, the `otpauth` package, that reads the QR code from a screenshot or is
// typed the "Trouble scanning?" key). The fixtures also fail a test on any console error,
// page error, or request to another origin.
import { test, expect } from './support/fixtures.mjs';
import { heading, onScreen, openDemo, logIn, scanQr, enterCode, goToCode, manualKey, preview, previewCodes, saveRecoveryCodes, logInToOtp, enroll, continueToLogin } from './support/flow.mjs';
import { tabTo, countPointerEvents } from './support/keyboard.mjs';
import { Phone } from './support/phone.mjs';
import { articleFlow, spaced } from './support/main-flow.mjs';

const ARTICLE = 'The credentials have expired. Looks like something went wrong. Please try logging again from the application.';

/** From the focused "Log in" heading to "Welcome", by keyboard: password, then a code. */
async function keyboardSignIn(page, server, phone) {
  await expect(heading(page, 'Log in')).toBeFocused();
  await tabTo(page, 'Email');
  await page.keyboard.type(server.email);
  await tabTo(page, 'Password');
  await page.keyboard.type(server.password);
  await page.keyboard.press('Enter');
  await expect(onScreen(page).getByLabel('Authentication code')).toBeFocused();
  await page.keyboard.type(await phone.freshCode());
  await page.keyboard.press('Enter');
  await expect(heading(page, 'Welcome')).toBeFocused();
}

test('the article\'s flow: log in, scan the QR, confirm, recovery codes, new login page, Welcome, log out, log in again', async ({ page, server }) => {
  // Shared with demo-node.spec.mjs, which runs it against the Node backend.
  await articleFlow(page, server);
});

test('keyboard only: the same flow with the "Trouble scanning?" key, without a mouse event', async ({ page, server }) => {
  const noPointer = await countPointerEvents(page);
  await page.goto(server.url);
  await expect(heading(page, 'Log in')).toBeFocused();
  await tabTo(page, 'Email');
  await page.keyboard.type(server.email);
  await tabTo(page, 'Password');
  await page.keyboard.type(server.password);
  await page.keyboard.press('Enter');

  await expect(heading(page, 'Set up two-factor authentication')).toBeFocused();
  await tabTo(page, 'Trouble scanning?');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Trouble scanning?' })).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByText("Spaces don't matter")).toBeVisible();
  const key = await manualKey(page).textContent();
  expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  // The settings, under the key: each value next to its name.
  await expect(onScreen(page).getByRole('term')).toHaveText(['Issuer', 'Account', 'Type', 'Algorithm', 'Digits', 'Interval']);
  await expect(onScreen(page).getByRole('definition')).toHaveText(['totpkit demo', server.email, 'Time-based (TOTP)', 'SHA1', '6', '30 s']);

  await tabTo(page, 'Copy key');
  await page.keyboard.press('Enter');
  // Said in a status region (role="status"), as it happens.
  await expect(onScreen(page).getByRole('status').filter({ hasText: 'Copied' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key.replaceAll(' ', ''));
  // The phone is typed the key with its spaces, as shown.
  const phone = new Phone(key);

  // The code field is on the same step, after the key.
  await tabTo(page, 'Authentication code');
  await expect(onScreen(page).getByLabel('Authentication code')).toBeFocused();
  await page.keyboard.type(spaced(await phone.freshCode()));
  await page.keyboard.press('Enter');

  await expect(heading(page, 'Save your recovery codes')).toBeFocused();
  await tabTo(page, 'I have saved my recovery codes');
  await page.keyboard.press('Space');
  await tabTo(page, 'Continue');
  await page.keyboard.press('Enter');
  await expect(heading(page, 'Two-factor authentication is on')).toBeFocused();
  await tabTo(page, 'Continue');
  await page.keyboard.press('Enter');

  await keyboardSignIn(page, server, phone);

  await tabTo(page, 'Log out');
  await page.keyboard.press('Enter');
  await keyboardSignIn(page, server, phone);
  await noPointer();
});

test('phone drift at enrollment: a code from 3 steps ago says "about 1.5 minutes behind" (a resync, not a counted guess), then the right code works', async ({ page, server }) => {
  await openDemo(page, server);
  await logIn(page, server);
  const phone = await scanQr(page);
  await goToCode(page);

  // "What should my app show?" shows the phone's code (server time) and a countdown.
  await page.getByText('What should my app show?').click();
  await expect(previewCodes(page)).toHaveCount(2);
  const shown = await previewCodes(page).first().textContent();
  expect([phone.code(0), phone.code(-1), phone.code(1)]).toContain(shown);
  await expect(preview(page)).toContainText(/It changes in \d+ seconds? to:\s*\d{6}$/);

  await phone.awayFromStepEdge();
  await enterCode(page, phone.code(-3));
  const error = onScreen(page).getByRole('alert');
  await expect(error).toContainText("Your phone's clock is about 1.5 minutes behind");
  // The server's policy: a code a few steps off is a resync, not a counted guess.
  await expect(error).not.toContainText('attempts left');
  // The phones' steps, under the message.
  await expect(onScreen(page).getByRole('heading', { name: "Fix your phone's clock" })).toBeVisible();
  await expect(onScreen(page).getByText('"Set time automatically"')).toBeVisible();
  await expect(onScreen(page).getByText('Time correction for codes')).toBeVisible();
  await expect(onScreen(page).getByText('Sync now')).toBeVisible();
  await expect(onScreen(page).getByText('"Set Automatically"')).toBeVisible();
  await expect(onScreen(page).getByLabel('Authentication code')).toHaveAttribute('aria-invalid', 'true');

  await phone.awayFromStepEdge();
  await enterCode(page, phone.code(4));
  await expect(error).toContainText("Your phone's clock is about 2 minutes ahead");
  await expect(error).not.toContainText('attempts left');

  // Not six digits: said at once, nothing sent.
  const sent = [];
  page.on('request', (r) => sent.push(r.url()));
  await enterCode(page, '12345');
  await expect(error).toHaveText('Enter the 6-digit code from your authenticator app.');
  expect(sent.filter((url) => url.includes('/api/2fa/confirm'))).toEqual([]);

  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Save your recovery codes')).toBeVisible();
});

test('login: a used code is refused, two bad codes give the article\'s message with the phone-clock diagnosis', async ({ page, server }) => {
  const { phone } = await enroll(page, server);
  await continueToLogin(page, server);
  const error = onScreen(page).getByRole('alert');

  // The enrollment code again: a replay.
  await enterCode(page, phone.codeAtStep(phone.lastStep));
  await expect(error).toHaveText('That code was already used. Wait for your app to show a new code, then enter it.');

  await enterCode(page, phone.wrongCode());
  await expect(error).toHaveText("That code didn't work. Try the next one. 9 attempts left.");
  await expect(error).not.toContainText(ARTICLE);

  await enterCode(page, phone.wrongCode());
  await expect(error).toContainText(ARTICLE);
  await expect(error).toContainText("This computer's clock is right, so the clock on your phone is probably wrong.");
  await expect(error).toContainText('8 attempts left.');
  const fix = page.locator('#otp-fix');
  await expect(fix.getByRole('heading', { name: "Fix your phone's clock" })).toBeVisible();
  await expect(fix).toContainText('On Android');
  await expect(fix).toContainText('"Set time automatically"');
  await expect(fix).toContainText('Settings > Time correction for codes');
  await expect(fix).toContainText('Sync now');
  await expect(fix).toContainText('On iPhone and iPad');
  await expect(fix).toContainText('Settings > General > Date & Time');
  await expect(fix).toContainText('"Set Automatically"');

  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Welcome')).toBeVisible();
});

test('too many attempts: "try again in N s" and Verify disabled until then', async ({ page, server }) => {
  const { phone } = await enroll(page, server);
  await continueToLogin(page, server);
  const error = onScreen(page).getByRole('alert');
  const verify = page.getByRole('button', { name: 'Verify', exact: true });
  // From the third failure the server makes us wait 1 s, then 2 s, 4 s…: keep typing wrong
  // codes quickly until it answers 429.
  let held = false;
  for (let i = 0; i < 6 && !held; i++) {
    await enterCode(page, phone.wrongCode());
    await expect(error).not.toBeEmpty();
    held = /Too many attempts/.test(await error.textContent());
  }
  expect(held).toBe(true);
  await expect(error).toHaveText(/^Too many attempts - try again in \d+ s\.$/);
  const seconds = Number((await error.textContent()).match(/in (\d+) s/)[1]);
  await expect(verify).toBeDisabled();
  await expect(onScreen(page).getByLabel('Authentication code')).toBeFocused();
  // Enter in the field does nothing while held.
  await page.keyboard.press('Enter');
  await expect(verify).toBeEnabled({ timeout: seconds * 1000 + 2000 });
  await expect(error).toBeEmpty();
  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Welcome')).toBeVisible();
});

test('recovery codes: download and copy them, log in with one, and it works only once', async ({ page, server }) => {
  await openDemo(page, server);
  await logIn(page, server);
  const phone = await scanQr(page);
  await goToCode(page);
  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Save your recovery codes')).toBeVisible();
  const codes = await page.locator('#recovery-list li').allTextContents();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('totpkit-demo-recovery-codes.txt');
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  for (const code of codes) expect(text).toContain(`${code}\n`);

  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.locator('#codes-status')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));

  await saveRecoveryCodes(page);
  await continueToLogin(page, server);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await expect(heading(page, 'Use a recovery code')).toBeVisible();
  await expect(onScreen(page).getByLabel('Recovery code', { exact: true })).toBeFocused();
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill(codes[0].toUpperCase());
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(heading(page, 'Welcome')).toBeVisible();
  await expect(page.getByText('You used a recovery code: 9 are left.')).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await logInToOtp(page, server);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  // A used code is a replay: said so, and not counted as a failed attempt.
  await expect(onScreen(page).getByRole('alert')).toHaveText('That recovery code was already used. Each code works once: enter another one.');
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill('not a code');
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(onScreen(page).getByRole('alert')).toContainText('A recovery code has 10 letters and digits');
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill(codes[1]);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByText('You used a recovery code: 8 are left.')).toBeVisible();
});

test('lost device: reset with password and a recovery code, then enroll a new phone', async ({ page, server }) => {
  const { phone: oldPhone, codes } = await enroll(page, server);
  await continueToLogin(page, server);
  await page.getByRole('button', { name: 'Lost your device? Reset two-factor authentication' }).click();
  await expect(heading(page, 'Reset two-factor authentication')).toBeFocused();

  const form = onScreen(page);
  await form.getByLabel('Password').fill('wrong password');
  await form.getByLabel('Recovery code', { exact: true }).fill(codes[3]);
  await form.getByRole('button', { name: 'Reset two-factor authentication' }).click();
  await expect(form.getByRole('alert')).toHaveText('Wrong password.');

  await form.getByLabel('Password').fill(server.password);
  await form.getByRole('button', { name: 'Reset two-factor authentication' }).click();
  await expect(heading(page, 'Set up two-factor authentication')).toBeFocused();
  await expect(page.getByText('Two-factor authentication was reset. Set it up again on your new device.')).toBeVisible();

  const newPhone = await scanQr(page);
  expect(newPhone.uri.secret.base32).not.toBe(oldPhone.uri.secret.base32);
  await goToCode(page);
  // The old phone's codes no longer work.
  await enterCode(page, await oldPhone.freshCode());
  await expect(onScreen(page).getByRole('alert')).toContainText("That code didn't work");
  await enterCode(page, await newPhone.freshCode());
  const newCodes = await saveRecoveryCodes(page);
  expect(newCodes).not.toContain(codes[0]);
  await continueToLogin(page, server);
  await enterCode(page, await newPhone.freshCode());
  await expect(heading(page, 'Welcome')).toBeVisible();
});

test('after confirmation the secret and the recovery codes leave the page; a reload mid-enrollment resumes the same secret', async ({ page, server }) => {
  await openDemo(page, server);
  await logIn(page, server);
  await expect(heading(page, 'Set up two-factor authentication')).toBeVisible();
  const phone = await scanQr(page);
  const secret = phone.uri.secret.base32;

  // A reload before confirming: the same secret again, so the phone that scanned it still works.
  await page.reload();
  await expect(heading(page, 'Set up two-factor authentication')).toBeVisible();
  expect((await scanQr(page)).uri.secret.base32).toBe(secret);
  await page.getByRole('button', { name: 'Trouble scanning?' }).click();
  await expect(page.getByText('A copied key stays on your clipboard')).toBeVisible();
  expect((await manualKey(page).textContent()).replaceAll(' ', '')).toBe(secret);

  await goToCode(page);
  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Save your recovery codes')).toBeVisible();
  const codes = await page.locator('#recovery-list li').allTextContents();
  // The page's HTML and every open shadow root in it (the elements draw QR and key there).
  const html = async () => page.evaluate(() => {
    const parts = [document.documentElement.outerHTML];
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) {
          parts.push(el.shadowRoot.innerHTML);
          walk(el.shadowRoot);
        }
      }
    };
    walk(document);
    return parts.join('\n');
  });
  const dom = await html();
  expect(dom).not.toContain(secret);
  expect(dom).not.toContain('data-codes');
  // QR code, key and "Trouble scanning?" are gone, not only hidden with their step.
  const enrollStep = page.locator('section[data-step="enroll"]');
  await expect(enrollStep.getByRole('img', { includeHidden: true })).toHaveCount(0);
  await expect(enrollStep.getByRole('code', { includeHidden: true })).toHaveCount(0);
  await expect(enrollStep.getByRole('button', { name: 'Trouble scanning?', includeHidden: true })).toHaveCount(0);

  await saveRecoveryCodes(page);
  const after = await html();
  for (const code of codes) expect(after).not.toContain(code);
});

test('signed in: "Generate new recovery codes" asks for the password, shows a new set, and the old set stops working', async ({ page, server }) => {
  const { phone, codes } = await enroll(page, server);
  await continueToLogin(page, server);
  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Welcome')).toBeVisible();

  const form = onScreen(page);
  await form.getByRole('button', { name: 'Generate new recovery codes' }).click();
  await expect(form.getByRole('alert')).toHaveText('Enter your password.');
  await form.getByLabel('Your password').fill('wrong password');
  await form.getByRole('button', { name: 'Generate new recovery codes' }).click();
  await expect(form.getByRole('alert')).toHaveText('Wrong password.');
  await form.getByLabel('Your password').fill(server.password);
  await form.getByRole('button', { name: 'Generate new recovery codes' }).click();
  await expect(heading(page, 'Save your recovery codes')).toBeFocused();
  const fresh = await page.locator('#recovery-list li').allTextContents();
  expect(fresh).toHaveLength(10);
  for (const code of fresh) expect(codes).not.toContain(code);
  await onScreen(page).getByLabel('I have saved my recovery codes').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading(page, 'Welcome')).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await logInToOtp(page, server);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill(codes[0]);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(onScreen(page).getByRole('alert')).toContainText("That recovery code didn't work.");
  await onScreen(page).getByLabel('Recovery code', { exact: true }).fill(fresh[0]);
  await page.getByRole('button', { name: 'Verify', exact: true }).click();
  await expect(page.getByText('You used a recovery code: 9 are left.')).toBeVisible();
});
