// The demo's main flow against the real mock server (a fresh one per run), played as a person
// with a phone: log in, read the QR from a screenshot (jsQR), confirm with a code from the
// `otpauth` package, save the recovery codes, go to the new login page, sign in with a code.
// The deep version of this flow (keyboard only, drift, replay, rate limit, axe, screenshots at
// every size) is Chromium's, in tests/e2e/demo.spec.mjs.
import assert from 'node:assert/strict';
import { findServerBinary, startServer } from '../../e2e/support/server.mjs';
import { Phone } from '../../e2e/support/phone.mjs';

export const title = 'demo: log in, scan the QR, confirm, recovery codes, new login page, sign in with a code';
// A fresh machine builds the mock server first.
export const timeout = 600_000;

const CODE = { label: 'Authentication code' };

/** Whether `el` has the focus, also inside an open shadow root (the code field is one of
 * totpkit's elements, whose input `document.activeElement` shows as the element itself). */
const hasFocus = (page, el) => page.evaluate((el) => {
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  return active === el;
}, el);

async function logIn(page, server) {
  await page.fill({ label: 'Email' }, server.email);
  await page.fill({ label: 'Password' }, server.password);
  await page.click({ role: 'button', name: 'Log in' });
}

export async function run({ page, save }) {
  const server = await startServer(await findServerBinary());
  try {
    await page.goto(server.url);
    await page.heading('Log in');
    await logIn(page, server);

    const enroll = await page.heading('Set up two-factor authentication');
    assert.ok(await page.isFocused(enroll), 'the new step\'s heading takes the focus');
    const { text: uri, png } = await page.readQr({ role: 'img', name: `QR code to add totpkit demo (${server.email}) to an authenticator app` });
    save('qr', png);
    assert.match(uri, /^otpauth:\/\/totp\/totpkit%20demo:alice%40example\.com\?secret=[A-Z2-7]+&/);
    const phone = Phone.fromUri(uri);
    assert.equal(phone.uri.issuer, 'totpkit demo');

    // The code field is on the same step, under the QR code.
    await page.fill(CODE, await phone.freshCode());
    await page.click({ role: 'button', name: 'Verify' });

    await page.heading('Save your recovery codes');
    const codes = await page.texts('#recovery-list li');
    assert.equal(codes.length, 10);
    for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    save('recovery-codes', await page.screenshot());
    await page.click({ role: 'checkbox', name: 'I have saved my recovery codes' });
    await page.click({ role: 'button', name: 'Continue' });
    await page.heading('Two-factor authentication is on');

    // "You will then be redirected to your new login page."
    await page.click({ role: 'button', name: 'Continue' });
    const login = await page.heading('Log in');
    assert.ok(await page.isFocused(login));
    await page.waitForText('Two-factor authentication is on. Log in with your password, then a code from your app.');
    await logIn(page, server);
    await page.heading('Two-factor authentication');
    assert.ok(await hasFocus(page, await page.find(CODE)), 'the code field takes the focus');
    // Typed the way many apps copy it: "123 456".
    const code = await phone.freshCode();
    await page.fill(CODE, `${code.slice(0, 3)} ${code.slice(3)}`);
    await page.click({ role: 'button', name: 'Verify' });
    await page.heading('Welcome');
    await page.waitForText(`You are logged in as ${server.email}`);
    save('welcome', await page.screenshot());

    assert.deepEqual(await page.problems(), []);
    assert.deepEqual(await page.origins(), [server.origin]);
  } catch (error) {
    error.message += `\nserver log:\n${server.log()}`;
    throw error;
  } finally {
    await server.stop();
  }
}
