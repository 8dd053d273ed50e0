// The package in a page that imports it with no bundler, under the strict CSP
// (script-src 'self' 'wasm-unsafe-eval'): the RFC 6238 Appendix B codes at the page's own
// (faked) clock, the enrollment QR read back from a screenshot by jsQR and parsed by the
// `otpauth` package, and TotpkitErrors with their codes, as a caller's catch sees them.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { serveStatic } from '../../e2e/support/static.mjs';
import { PRELOAD_DIR, withFakeClock } from '../driver/index.mjs';

export const title = 'package page under the strict CSP: RFC 6238 codes, QR read from a screenshot, TotpkitError codes';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

// RFC 6238 Appendix B, T = 1234567890 s: the first instant of its step, so the page has a whole
// 30 s to load before its clock leaves it.
const T = 1_234_567_890_000;
const RFC = { SHA1: '89005924', SHA256: '91819424', SHA512: '93441116' };

export async function run({ page, save }) {
  const site = await serveStatic({
    mounts: {
      '/': join(ROOT, 'tests', 'engines', 'pages', 'package'),
      '/pkg/': join(ROOT, 'pkg'),
      '/__engines/': PRELOAD_DIR,
    },
    headers: { 'content-security-policy': CSP },
  });
  try {
    await page.goto(withFakeClock(`${site.base}/`, T));
    const state = await page.waitFor(() => {
      const s = document.getElementById('state').textContent;
      return s !== 'Loading…' && s;
    }, { what: 'the page to load the package' });
    assert.equal(state, 'Ready', `the page could not use the package: ${state}`);

    // The page sees the fake clock, a few hundred milliseconds on.
    assert.match(await page.text({ role: 'status', name: 'Clock' }), /^2009-02-13T23:31:[3-5]\d\.\d{3}Z$/);
    for (const [algorithm, code] of Object.entries(RFC)) {
      assert.equal(await page.text({ role: 'status', name: `${algorithm} code` }), code, `RFC 6238 ${algorithm} at T = 1234567890`);
    }

    const qr = { role: 'img', name: 'QR code to add ACME Co (alice@example.com) to an authenticator app' };
    const { text: uri, png } = await page.readQr(qr);
    save('qr', png);
    const parsed = OTPAuth.URI.parse(uri);
    assert.equal(parsed.issuer, 'ACME Co');
    assert.equal(parsed.label, 'alice@example.com');
    const key = await page.text({ role: 'status', name: 'Key' });
    assert.match(key, /^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    assert.equal(parsed.secret.base32, key.replaceAll(' ', ''), 'the QR holds the key shown under it');

    assert.equal(await page.text({ role: 'status', name: 'A key that is not base32' }), 'TotpkitError InvalidBase32 (an Error)');
    assert.equal(await page.text({ role: 'status', name: 'A URI that is not otpauth' }), 'TotpkitError InvalidUri (an Error)');

    assert.deepEqual(await page.problems(), []);
    assert.deepEqual(await page.origins(), [site.base]);
  } finally {
    await site.close();
  }
}
