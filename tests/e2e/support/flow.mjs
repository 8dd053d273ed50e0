// The steps a person takes in the demo, as the tests take them with the mouse (the keyboard-only
// test has its own). Each returns once the next step's heading is on screen.
import { expect } from './fixtures.mjs';
import { Phone } from './phone.mjs';
import { readQr } from './qr.mjs';

export const heading = (page, name) => page.getByRole('heading', { level: 1, name, exact: true });
/** The step on screen (the others are hidden, but still in the DOM). */
export const onScreen = (page) => page.locator('section[data-step]:visible');

export async function openDemo(page, server) {
  const response = await page.goto(server.url);
  await expect(heading(page, 'Log in')).toBeVisible();
  return response;
}

export async function logIn(page, server, { password = server.password } = {}) {
  await onScreen(page).getByLabel('Email').fill(server.email);
  await onScreen(page).getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Scans the QR code on screen: a screenshot decoded by jsQR, read by the `otpauth` package. */
export async function scanQr(page) {
  const qr = page.getByRole('img', { name: /^QR code to add totpkit demo/ });
  await expect(qr).toBeVisible();
  const uri = await readQr(qr);
  expect(uri).toMatch(/^otpauth:\/\/totp\/totpkit%20demo:alice%40example\.com\?secret=[A-Z2-7]+&/);
  return Phone.fromUri(uri);
}

/** The "Trouble scanning?" key on the enrollment step (a `<code>` in <totp-enrollment>'s shadow root). */
export const manualKey = (page) => onScreen(page).getByRole('code');

/** "What should my app show?" on the enrollment step: its two codes are now and next. */
export const preview = (page) => onScreen(page).getByRole('group').filter({ hasText: 'What should my app show?' });
export const previewCodes = (page) => preview(page).getByText(/^\d{6}$/);

/** "Trouble scanning?": types the key shown in groups of four into the phone instead. */
export async function typeKey(page) {
  await page.getByRole('button', { name: 'Trouble scanning?' }).click();
  const key = await manualKey(page).textContent();
  expect(key).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  return new Phone(key);
}

export async function enterCode(page, code, button = 'Verify') {
  const input = onScreen(page).getByLabel('Authentication code');
  await input.fill(code);
  await page.getByRole('button', { name: button, exact: true }).click();
}

/** The code field is on the enrollment step too, under the QR code: the person goes to it. */
export async function goToCode(page) {
  await expect(heading(page, 'Set up two-factor authentication')).toBeVisible();
  const field = onScreen(page).getByLabel('Authentication code');
  await field.click();
  await expect(field).toBeFocused();
}

/** Reads the ten recovery codes, ticks "I have saved…", continues to the confirmation. */
export async function saveRecoveryCodes(page) {
  await expect(heading(page, 'Save your recovery codes')).toBeVisible();
  const codes = await page.locator('#recovery-list li').allTextContents();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  const next = page.getByRole('button', { name: 'Continue' });
  await expect(next).toBeDisabled();
  await onScreen(page).getByLabel('I have saved my recovery codes').check();
  await next.click();
  await expect(heading(page, 'Two-factor authentication is on')).toBeVisible();
  return codes;
}

/** From a logged-out login page to the second-factor step. */
export async function logInToOtp(page, server) {
  await logIn(page, server);
  await expect(heading(page, 'Two-factor authentication')).toBeVisible();
  await expect(onScreen(page).getByLabel('Authentication code')).toBeFocused();
}

/** The whole enrollment, QR scanned: returns { phone, codes } at "Two-factor authentication is on". */
export async function enroll(page, server) {
  await openDemo(page, server);
  await logIn(page, server);
  await expect(heading(page, 'Set up two-factor authentication')).toBeVisible();
  const phone = await scanQr(page);
  await goToCode(page);
  await enterCode(page, await phone.freshCode());
  const codes = await saveRecoveryCodes(page);
  return { phone, codes };
}

/** After enrollment: "Continue" to the new login page, log in, up to the code step. */
export async function continueToLogin(page, server) {
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading(page, 'Log in')).toBeVisible();
  await logInToOtp(page, server);
}
