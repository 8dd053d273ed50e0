// The QR module (pkg/totpkit_qr_bg.wasm: the calls wasm/wire.json lists "in" "qr"), as
// <totp-enrollment> loads it through loadQr() (npm/qr-load.js): the functions that run on it
// answer exactly as the whole module does (the node entry, a separate instance), errors
// included, and so do the QR functions, which the browser front runs in JS (npm/qr.js) before any
// load; the others refuse with NotInitialized until init() loads a module that has them, and the
// front keeps working after each refusal. What each load fetched: ./browser-front.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pkgDir, fetched, outcome } from './browser-front.mjs';

const front = await import(join(pkgDir, 'front.js'));
const { loadQr } = await import(join(pkgDir, 'qr-load.js'));
const whole = await import(join(pkgDir, 'node.js'));

const URIS = [
  'otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co',
  'otpauth://hotp/Example:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7&digits=8&algorithm=SHA256',
  'otpauth://totp/%E6%97%A5%E6%9C%AC:%D8%B9%D9%84%D9%8A?secret=MFRGGZDFMZTWQ2LK&period=60&algorithm=sha512',
];
const BAD = ['otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=AAAA', 'https://example.com', 'otpauth://totp/x?secret=1'];

test('before any load, every wasm function refuses with NotInitialized; the QR, drawn in JS, answers', () => {
  assert.equal(outcome(() => front.totpCode('JBSWY3DPEHPK3PXP', 0)).code, 'NotInitialized');
  assert.equal(outcome(() => front.formatSecret('JBSWY3DPEHPK3PXP')).code, 'NotInitialized');
  assert.equal(front.renderQrSvg(URIS[0], { title: 'x' }), whole.renderQrSvg(URIS[0], { title: 'x' }));
  assert.deepEqual(outcome(() => front.qrMatrix(URIS[1])), outcome(() => whole.qrMatrix(URIS[1])));
  assert.deepEqual(fetched, []);
});

test('loadQr fetches the QR module only, and its functions answer as the whole module does', async () => {
  await loadQr();
  assert.deepEqual(fetched, ['totpkit_qr_bg.wasm']);
  for (const uri of [...URIS, ...BAD]) {
    assert.deepEqual(outcome(() => front.parseOtpauthUri(uri)), outcome(() => whole.parseOtpauthUri(uri)), uri);
  }
  for (const text of [...URIS, '', 'HELLO WORLD', 'é'.repeat(300), 'x'.repeat(3000)]) {
    for (const opts of [undefined, { ecc: 'H', quietZone: 0, dark: '#123', light: 'transparent', title: 'a <b> & "c"' }, { ecc: 'Q' }, { dark: 'url(x)' }]) {
      assert.deepEqual(outcome(() => front.renderQrSvg(text, opts)), outcome(() => whole.renderQrSvg(text, opts)), `${text.slice(0, 20)} ${JSON.stringify(opts)}`);
    }
  }
  for (const secret of ['JBSWY3DPEHPK3PXP', 'jbsw y3dp ehpk 3pxp', 'JBSWY3DPEHPK3PX1', '']) {
    assert.deepEqual(outcome(() => front.formatSecret(secret)), outcome(() => whole.formatSecret(secret)), secret);
  }
});

test('on the QR module, the other functions refuse with NotInitialized and the module keeps working', () => {
  for (const call of [
    () => front.totpCode('JBSWY3DPEHPK3PXP', 0),
    () => front.verifyTotp('JBSWY3DPEHPK3PXP', '123456', 0),
    () => front.enrollment({ account: 'a' }),
    () => front.codePreview('JBSWY3DPEHPK3PXP', 0),
    () => front.diagnoseCode('JBSWY3DPEHPK3PXP', '123456', 0),
    () => front.generateSecret(),
    () => front.hotpCode('JBSWY3DPEHPK3PXP', 1),
  ]) {
    assert.equal(outcome(call).code, 'NotInitialized');
    assert.match(front.renderQrSvg('still alive'), /^<svg/);
  }
});

test('init() then loads the codes module over it (this page imports nothing of whole.js), then the whole module once it does', async () => {
  await front.default();
  assert.deepEqual(fetched, ['totpkit_qr_bg.wasm', 'totpkit_codes_bg.wasm']);
  assert.equal(front.totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, { digits: 8 }), '94287082');
  assert.equal(outcome(() => front.parseOtpauthUri(URIS[0])).code, 'NotInitialized');
  await import(join(pkgDir, 'whole.js'));
  await front.default();
  assert.deepEqual(fetched, ['totpkit_qr_bg.wasm', 'totpkit_codes_bg.wasm', 'totpkit_bg.wasm']);
  assert.deepEqual(front.parseOtpauthUri(URIS[0]), whole.parseOtpauthUri(URIS[0]));
  assert.equal(front.renderQrSvg(URIS[0]), whole.renderQrSvg(URIS[0]));
  // Loaded: neither loads again.
  await loadQr();
  await front.default();
  assert.equal(fetched.length, 3);
});
