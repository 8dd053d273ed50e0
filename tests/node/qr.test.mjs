// The QR functions through the built package in Node: shapes, errors, injection attempts,
// the enrollment bundle, the SVG decoded by an independent decoder (jsQR on the module matrix
// rasterized here), and the size against node-qrcode for the same text and ECC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import QRCode from 'qrcode';
import jsQR from 'jsqr';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const totpkit = await import(join(root, 'pkg', 'totpkit.js'));
totpkit.initSync({ module: readFileSync(join(root, 'pkg', 'totpkit_bg.wasm')) });
const { renderQrSvg, qrMatrix, enrollment, totpCode, parseOtpauthUri } = totpkit;

const URI_135 =
  'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30';

function throwsCode(fn, code) {
  assert.throws(fn, (e) => e.name === 'TotpkitError' && e.code === code);
  assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, { digits: 8 }), '94287082');
}

/** Rasterizes a module matrix (4 px per module, 4-module quiet zone) and reads it with jsQR. */
function decodeMatrix({ size, modules }) {
  const scale = 4, quiet = 4, side = (size + 2 * quiet) * scale;
  const rgba = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - quiet, my = Math.floor(y / scale) - quiet;
      if (mx >= 0 && my >= 0 && mx < size && my < size && modules[my * size + mx]) {
        const i = (y * side + x) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, side, side)?.data;
}

test('qrMatrix decodes with jsQR at every ECC level', () => {
  for (const ecc of ['L', 'M', 'Q', 'H']) {
    const m = qrMatrix(URI_135, { ecc });
    assert.ok(m.modules instanceof Uint8Array);
    assert.equal(m.modules.length, m.size * m.size);
    assert.equal(decodeMatrix(m), URI_135, ecc);
  }
  assert.equal(qrMatrix('hello').size, 21);
});

test('renderQrSvg: standalone, scalable, one path, and smaller than node-qrcode', async () => {
  const svg = renderQrSvg(URI_135);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 (\d+) \1" shape-rendering="crispEdges">/);
  assert.ok(!svg.includes('<?xml') && !svg.includes('width=') && !svg.includes('<rect'));
  assert.equal((svg.match(/<path/g) || []).length, 2, 'background + one dark path');
  const theirs = await QRCode.toString(URI_135, { type: 'svg', errorCorrectionLevel: 'M' });
  console.log(`SVG bytes for the 135-character URI at ECC M: totpkit ${svg.length}, node-qrcode ${theirs.length}`);
  assert.ok(svg.length < theirs.length, `totpkit ${svg.length} >= node-qrcode ${theirs.length}`);
});

test('renderQrSvg options and their validation', () => {
  const svg = renderQrSvg('x', { quietZone: 2, dark: '#123', light: 'white', title: 'Scan me' });
  assert.match(svg, /viewBox="0 0 25 25"/);
  assert.match(svg, /role="img" aria-label="Scan me"><title>Scan me<\/title>/);
  assert.match(svg, /stroke="#123"/);
  throwsCode(() => renderQrSvg('x', { ecc: 'X' }), 'InvalidOptions');
  throwsCode(() => renderQrSvg('x', { quietZone: -1 }), 'InvalidOptions');
  throwsCode(() => renderQrSvg('x', { quietZone: 1.5 }), 'InvalidOptions');
  throwsCode(() => renderQrSvg('x', 'M'), 'InvalidOptions');
  throwsCode(() => renderQrSvg(42), 'InvalidOptions');
  throwsCode(() => renderQrSvg('a'.repeat(3000)), 'QrTooLong');
  throwsCode(() => renderQrSvg('a'.repeat(2000), { ecc: 'H' }), 'QrTooLong');
  throwsCode(() => qrMatrix('a'.repeat(1 << 20)), 'QrTooLong');
});

test('injection through title, dark and light is escaped or refused', () => {
  const attacks = ['"/><script>alert(1)</script>', "'><img src=x onerror=alert(1)>", 'url(https://evil/x)', 'red;fill:url(#x)', '#000" onload="x'];
  for (const a of attacks) {
    const svg = renderQrSvg('x', { title: a });
    assert.ok(!svg.includes('<script') && !svg.includes('<img') && !svg.includes('" onload'), svg);
    throwsCode(() => renderQrSvg('x', { dark: a }), 'InvalidOptions');
    throwsCode(() => renderQrSvg('x', { light: a }), 'InvalidOptions');
  }
  assert.ok(renderQrSvg('x', { title: '<b>&"\'' }).includes('&lt;b&gt;&amp;&quot;&#39;'));
});

test('enrollment gives a screen everything, and its alt text never holds the secret', () => {
  const e = enrollment({ account: 'alice@example.com', issuer: 'ACME Co' });
  assert.match(e.secret, /^[A-Z2-7]{32}$/);
  assert.equal(e.manualKey, e.secret.match(/.{1,4}/g).join(' '));
  assert.equal(e.altText, 'QR code to add ACME Co (alice@example.com) to an authenticator app');
  assert.ok(!e.altText.includes(e.secret));
  assert.deepEqual(e.params, { algorithm: 'SHA1', digits: 6, period: 30 });
  assert.equal(parseOtpauthUri(e.uri).secret, e.secret);
  assert.ok(e.svg.includes(`aria-label="${e.altText}"`));

  const given = enrollment(
    { secret: 'jbsw y3dp ehpk 3pxp', account: 'bob', algorithm: 'sha256', digits: 8, period: 60 },
    { ecc: 'Q', title: 'Custom' },
  );
  assert.equal(given.secret, 'JBSWY3DPEHPK3PXP');
  assert.equal(given.uri, 'otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8&period=60');
  assert.equal(given.altText, 'QR code to add bob to an authenticator app');
  assert.ok(given.svg.includes('aria-label="Custom"'));
  assert.equal(enrollment({ account: 'c', secretBytes: 32 }).secret.length, 52);

  throwsCode(() => enrollment({ issuer: 'x' }), 'InvalidLabel');
  throwsCode(() => enrollment({ account: 'a:b' }), 'InvalidLabel');
  throwsCode(() => enrollment({ account: 'a', secretBytes: 8 }), 'InvalidSecretLength');
  throwsCode(() => enrollment({ account: 'a', secret: '!!' }), 'InvalidBase32');
  throwsCode(() => enrollment({ account: 'a' }, { dark: 'url(x)' }), 'InvalidOptions');
  throwsCode(() => enrollment(null), 'InvalidOptions');
});
