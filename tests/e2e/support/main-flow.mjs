// The demo's main flow, the help article's, as one function so that it runs against both
// backends: the mock server (demo.spec.mjs) and the Node one on totpkit/server
// (demo-node.spec.mjs). Log in, scan the QR, confirm, save the recovery codes, the new login page,
// sign in with a code, log out, sign in again, reload.
import { expect } from './fixtures.mjs';
import { heading, onScreen, openDemo, logIn, scanQr, enterCode, goToCode, saveRecoveryCodes, logInToOtp } from './flow.mjs';

export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
export const spaced = (code) => `${code.slice(0, 3)} ${code.slice(3)}`;
export const hyphenated = (code) => `${code.slice(0, 3)}-${code.slice(3)}`;

/** The whole flow; `onStep(name)` runs at each step (the Node spec takes screenshots there). */
export async function articleFlow(page, server, onStep = async () => {}) {
  const response = await openDemo(page, server);
  expect(response.headers()['content-security-policy']).toBe(CSP);
  expect(response.headers()['cross-origin-opener-policy']).toBe('same-origin');
  expect(response.headers()['permissions-policy']).toContain('camera=()');

  await logIn(page, server);
  await expect(heading(page, 'Set up two-factor authentication')).toBeFocused();
  await expect(onScreen(page).getByRole('listitem')).toHaveText([/^Open your authenticator app/, /^Add a new account/, /^Scan the QR code/]);
  // Beside the QR code (<totp-enrollment>): issuer and account.
  await expect(onScreen(page).getByRole('term')).toHaveText(['Issuer', 'Account']);
  await expect(onScreen(page).getByRole('definition')).toHaveText(['totpkit demo', server.email]);
  const qrBox = await page.getByRole('img', { name: /^QR code to add totpkit demo/ }).boundingBox();
  expect(qrBox.width).toBeGreaterThanOrEqual(200);
  await onStep('enroll');
  const phone = await scanQr(page);
  expect(phone.uri.issuer).toBe('totpkit demo');
  expect(phone.uri.label).toBe(server.email);
  // Dark mode leaves the QR dark on white: it still scans, to the same key.
  await page.emulateMedia({ colorScheme: 'dark' });
  expect((await scanQr(page)).uri.secret.base32).toBe(phone.uri.secret.base32);
  await page.emulateMedia({ colorScheme: 'light' });

  await goToCode(page);
  await expect(onScreen(page).getByLabel('Authentication code')).toHaveAttribute('inputmode', 'numeric');
  await expect(onScreen(page).getByLabel('Authentication code')).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(onScreen(page).getByLabel('Authentication code')).toHaveAttribute('type', 'text');
  // Pasted with a space, as many apps copy it.
  await enterCode(page, spaced(await phone.freshCode()));
  await onStep('recovery-codes');
  await saveRecoveryCodes(page);

  // "You will then be redirected to your new login page."
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(heading(page, 'Log in')).toBeFocused();
  await expect(page.getByText('Two-factor authentication is on. Log in with your password, then a code from your app.')).toBeVisible();
  await logInToOtp(page, server);
  await onStep('login-code');
  await enterCode(page, hyphenated(await phone.freshCode()));
  await expect(heading(page, 'Welcome')).toBeFocused();
  await expect(page.getByText(`You are logged in as ${server.email}`)).toBeVisible();
  await onStep('welcome');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(heading(page, 'Log in')).toBeFocused();
  await expect(page.getByText('You have logged out.')).toBeVisible();
  await logInToOtp(page, server);
  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Welcome')).toBeVisible();

  // The session survives a reload.
  await page.reload();
  await expect(heading(page, 'Welcome')).toBeVisible();
  return phone;
}
