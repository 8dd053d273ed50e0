// The codes module (pkg/totpkit_codes_bg.wasm: the calls wasm/wire.json lists "in" "codes"), as a
// page's `init()` loads it when the page imports no function of npm/whole.js: the functions that
// run on it, and those the browser front runs in JS beside it (the QR, the URI), answer exactly
// as the whole module does (the node entry, a separate instance), errors included; the four of
// whole.js refuse with NotInitialized, saying what to do, until the page imports one of them and
// `init()` loads the whole module over it. What each load fetched: ./browser-front.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, basename } from 'node:path';
import { pkgDir, fetched, outcome } from './browser-front.mjs';

// The browser entry, as a page imports it, less whole.js (a bundler leaves it out of a page that
// imports none of its functions; Node loads every module a file names, so this test imports
// front.js, which is what the entry's other functions are).
const front = await import(join(pkgDir, 'front.js'));
const whole = await import(join(pkgDir, 'node.js'));

const SECRETS = ['JBSWY3DPEHPK3PXP', 'jbsw y3dp-ehpk 3pxp', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====', 'JBSWY3DPEHPK3PX1', '', 'AAAA', 'A'.repeat(500)];
const OPTIONS = [undefined, { algorithm: 'sha-256', digits: 8 }, { algorithm: 'SHA512', period: 60 }, { algorithm: 'MD5' }, { digits: 9 }, { period: 0 }, { period: 1.5 }, { digits: '6' }, { algorithm: 1 }];
const LABELS = [
  { account: 'alice@example.com', issuer: 'ACME Co' },
  { account: 'bob' },
  { account: 'Ünï 名前', issuer: '' },
  { account: 'a:b' },
  { account: '' },
  { account: 'x', issuer: 'I:s' },
  { issuer: 'no account' },
  { account: 7 },
];
const DRAWING = [undefined, { ecc: 'H', quietZone: 0, dark: '#123', light: 'transparent', title: 'a <b> & "c"' }, { dark: 'red' }, { quietZone: 65 }, { ecc: 'X' }];

test('init() in a page that imports no function of whole.js loads the codes module only', async () => {
  assert.equal(outcome(() => front.totpCode('JBSWY3DPEHPK3PXP', 0)).code, 'NotInitialized');
  await front.default();
  assert.deepEqual(fetched, ['totpkit_codes_bg.wasm']);
});

test('on the codes module, codes, verification, secrets and QR codes answer as the whole module does', () => {
  const now = 1_700_000_012_345;
  for (const secret of SECRETS) {
    assert.deepEqual(outcome(() => front.formatSecret(secret)), outcome(() => whole.formatSecret(secret)), secret);
    for (const opts of OPTIONS) {
      const where = `${secret} ${JSON.stringify(opts)}`;
      const code = outcome(() => whole.totpCode(secret, now, opts));
      assert.deepEqual(outcome(() => front.totpCode(secret, now, opts)), code, where);
      for (const typed of [code.value ?? '123456', '000000', '12 34 56', 'abc']) {
        const o = { ...opts, window: 2 };
        assert.deepEqual(outcome(() => front.verifyTotp(secret, typed, now + 30_000, o)), outcome(() => whole.verifyTotp(secret, typed, now + 30_000, o)), `${where} ${typed}`);
      }
    }
  }
  for (const n of [undefined, 10, 20, 64, 65, 9, 1.5, '20']) {
    const mine = outcome(() => front.generateSecret(n));
    const theirs = outcome(() => whole.generateSecret(n));
    if (theirs.value === undefined) assert.deepEqual(mine, theirs, String(n));
    else assert.equal(mine.value.length, theirs.value.length, String(n));
  }
});

test('on the codes module, enrollment() answers as the whole module does, for given secrets and made ones', () => {
  for (const label of LABELS) {
    for (const secret of [undefined, ...SECRETS.slice(0, 5)]) {
      for (const opts of OPTIONS.slice(0, 5)) {
        for (const drawing of DRAWING) {
          const p = { ...label, ...opts, ...(secret === undefined ? {} : { secret }) };
          const where = JSON.stringify([p, drawing]);
          const mine = outcome(() => front.enrollment(p, drawing));
          const theirs = outcome(() => whole.enrollment(p, drawing));
          if (secret !== undefined || theirs.code) {
            assert.deepEqual(mine, theirs, where);
            continue;
          }
          // A made secret differs; the rest is the same with it.
          const again = whole.enrollment({ ...p, secret: mine.value.secret }, drawing);
          assert.deepEqual(mine.value, again, where);
          assert.equal(mine.value.secret.length, theirs.value.secret.length);
        }
      }
    }
  }
  assert.deepEqual(outcome(() => front.enrollment({ account: 'a', secretBytes: 9 })), outcome(() => whole.enrollment({ account: 'a', secretBytes: 9 })));
  assert.deepEqual(outcome(() => front.enrollment({ account: 'a', secretBytes: 9, algorithm: 'x' })), outcome(() => whole.enrollment({ account: 'a', secretBytes: 9, algorithm: 'x' })));
});

test('the functions of whole.js refuse on the codes module, saying what to do; importing one loads the whole module', async () => {
  for (const call of [
    () => front.parseOtpauthUri('otpauth://totp/a?secret=JBSWY3DPEHPK3PXP'),
    () => front.hotpCode('JBSWY3DPEHPK3PXP', 1),
    () => front.codePreview('JBSWY3DPEHPK3PXP', 0),
    () => front.diagnoseCode('JBSWY3DPEHPK3PXP', '123456', 0),
  ]) {
    const { code, message } = outcome(call);
    assert.equal(code, 'NotInitialized');
    assert.match(message, /needs the whole totpkit module.*call `await init\(\)` after importing it/);
    assert.match(front.totpCode('JBSWY3DPEHPK3PXP', 0), /^\d{6}$/);
  }
  const { codePreview } = await import(join(pkgDir, 'whole.js'));
  await front.default();
  assert.deepEqual(fetched, ['totpkit_codes_bg.wasm', 'totpkit_bg.wasm']);
  assert.deepEqual(codePreview('JBSWY3DPEHPK3PXP', 1_700_000_000_000), whole.codePreview('JBSWY3DPEHPK3PXP', 1_700_000_000_000));
  await front.default();
  assert.equal(fetched.length, 2);
});

test('a bundler leaves whole.js out of a page that imports none of its functions, and keeps it in one that does', async () => {
  const { buildSync } = await import('esbuild');
  const entry = join(pkgDir, 'totpkit.js');
  const inputs = (source) => {
    const out = buildSync({
      stdin: { contents: source, resolveDir: pkgDir }, bundle: true, minify: true, format: 'esm', platform: 'browser',
      splitting: true, outdir: join(pkgDir, '.bundle-check'), write: false, metafile: true, logLevel: 'silent', loader: { '.wasm': 'file' },
    });
    return Object.values(out.metafile.outputs).flatMap((o) => Object.keys(o.inputs)).map((i) => basename(i));
  };
  const app = inputs(`import init, { enrollment, totpCode, verifyTotp, checkClock } from ${JSON.stringify(entry)};\nawait init();\nconsole.log(enrollment({ account: 'a' }), totpCode, verifyTotp, checkClock);`);
  assert.ok(app.includes('front.js') && app.includes('codes-glue.js'), app.join(', '));
  assert.ok(!app.includes('whole.js'), app.join(', '));
  for (const fn of ['parseOtpauthUri', 'hotpCode', 'codePreview', 'diagnoseCode']) {
    const page = inputs(`import init, { ${fn} } from ${JSON.stringify(entry)};\nawait init();\nconsole.log(${fn});`);
    assert.ok(page.includes('whole.js'), `${fn}: ${page.join(', ')}`);
  }
});
