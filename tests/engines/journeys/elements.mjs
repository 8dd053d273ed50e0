// totpkit/elements in the page a host would write (tests/consumers/elements/), under the strict
// CSP: the elements' shadow DOM, constructable stylesheet and form association in this engine.
// The QR read from a screenshot, the "Trouble scanning?" key, a code submitted (as an app copies
// it, "123 456"), and rejectCode's diagnosis of a phone 90 s behind. The deep version (paste,
// keyboard only, clock banner, axe, screenshots) is Chromium's, tests/e2e/elements.spec.mjs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { serveStatic } from '../../e2e/support/static.mjs';
import { awayFromStepEdge } from '../../e2e/support/phone.mjs';
import { CSP } from './package-page.mjs';

export const title = 'totpkit/elements under the strict CSP: QR read from a screenshot, "Trouble scanning?" key, code submitted, rejectCode diagnosis';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CODE = { label: 'Authentication code' };

/** The text of the first element matching `css` inside an element's shadow root. */
const shadowText = (page, host, css) =>
  page.evaluate((host, css) => document.querySelector(host)?.shadowRoot?.querySelector(css)?.textContent ?? '', host, css);

export async function run({ page, save }) {
  const secret = new OTPAuth.Secret({ size: 20 });
  const totp = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret });
  const uri = totp.toString();
  const site = await serveStatic({
    mounts: { '/': join(ROOT, 'tests', 'consumers', 'elements'), '/pkg/': join(ROOT, 'pkg') },
    routes: {
      '/api/time': (req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ now: Date.now() }));
      },
    },
    headers: { 'content-security-policy': CSP },
  });
  try {
    await page.goto(`${site.base}/?${new URLSearchParams({ uri })}`);
    const { text, png } = await page.readQr({ role: 'img', name: 'QR code to add ACME Co (alice@example.com) to an authenticator app' });
    save('qr', png);
    assert.equal(text, uri, 'the QR holds the URI the host gave');
    // The constructable stylesheet applies under style-src 'self' (WebKit refuses silently).
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('totp-enrollment').shadowRoot.querySelector('.qr')).backgroundColor), 'rgb(255, 255, 255)');

    await page.click({ role: 'button', name: 'Trouble scanning?' });
    await page.find({ role: 'button', name: 'Copy key' });
    const key = await shadowText(page, 'totp-enrollment', 'code');
    assert.match(key, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    assert.equal(key.replaceAll(' ', ''), secret.base32);

    const now = totp.generate();
    await page.fill(CODE, `${now.slice(0, 3)} ${now.slice(3)}`);
    await page.click({ role: 'button', name: 'Verify' });
    await page.waitForText(`totp-code from totp-enrollment: ${now}`);

    // The phone's code from 90 s ago is 3 steps behind only while the step does not change before
    // the diagnosis (after a boundary it is 4: "2 minutes"): typed with 20 s of the step left, as
    // the diagnosis waits for the whole module, which can take seconds on a busy machine (as
    // Chromium's elements.spec.mjs does, with less: its engine loads it faster).
    await awayFromStepEdge(20_000);
    await page.fill(CODE, totp.generate({ timestamp: Date.now() - 90_000 }));
    await page.click({ role: 'button', name: 'Verify' });
    await page.waitFor(() => document.body.innerText.split('totp-code from').length === 3, { what: 'the second code' });
    await page.evaluate(() => document.querySelector('totp-enrollment').rejectCode({ attemptsLeft: 2 }));
    await page.waitFor(() => document.querySelector('totp-enrollment').shadowRoot.querySelector('[role=alert]').textContent.includes('1.5 minutes behind'), { what: 'the drift message' });
    assert.match(await shadowText(page, 'totp-enrollment', '[role=alert]'), /^Your phone's clock is about 1\.5 minutes behind.* 2 attempts left\.$/);
    await page.find({ role: 'heading', name: "Fix your phone's clock" });
    save('diagnosis', await page.screenshot());

    assert.deepEqual(await page.problems(), []);
    assert.deepEqual(await page.origins(), [site.base]);
  } finally {
    await site.close();
  }
}
