// The built npm package (pkg/), loaded in Node with initSync as a consumer would: every RFC
// vector through the real JS glue, the documented shapes, every error a TotpkitError with a
// stable code, the module alive after each error, and a cross-check against pyotp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkgDir = join(root, 'pkg');
const totpkit = await import(join(pkgDir, 'totpkit.js'));
totpkit.initSync({ module: readFileSync(join(pkgDir, 'totpkit_bg.wasm')) });
const { generateSecret, formatSecret, buildOtpauthUri, parseOtpauthUri, totpCode, hotpCode, verifyTotp } = totpkit;

const rows = (file) =>
  readFileSync(join(root, 'tests', 'data', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));

function throwsTotpkit(fn, code) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, 'a real Error');
    assert.equal(e.name, 'TotpkitError');
    assert.equal(e.code, code);
    assert.equal(typeof e.message, 'string');
    return true;
  });
  // The instance survived: a vector still computes.
  assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, { digits: 8 }), '94287082');
}

test('package.json is the totpkit package', () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'totpkit');
  assert.equal(pkg.types, 'totpkit.d.ts');
  assert.ok(pkg.description && pkg.license && pkg.repository && pkg.keywords.length);
  assert.ok(pkg.files.includes('totpkit_bg.wasm'));
});

test('RFC 6238 Appendix B through totpCode and verifyTotp', () => {
  const vectors = rows('rfc6238.txt');
  assert.equal(vectors.length, 18);
  for (const [algorithm, secs, code, secret] of vectors) {
    const ms = Number(secs) * 1000;
    assert.equal(totpCode(secret, ms, { algorithm, digits: 8 }), code);
    assert.equal(totpCode(secret, ms + 999, { algorithm: algorithm.toLowerCase(), digits: 8 }), code);
    assert.deepEqual(verifyTotp(secret, code, ms, { algorithm, digits: 8 }), {
      valid: true,
      delta: 0,
      step: Math.floor(Number(secs) / 30),
    });
    assert.deepEqual(verifyTotp(secret, code, ms + 30_000, { algorithm, digits: 8 }).delta, -1);
    assert.deepEqual(verifyTotp(secret, code, ms + 60_000, { algorithm, digits: 8 }), { valid: false, delta: null, step: null });
  }
});

test('RFC 4226 Appendix D through hotpCode', () => {
  for (const [counter, code, secret] of rows('rfc4226.txt')) {
    assert.equal(hotpCode(secret, Number(counter)), code);
  }
});

test('codes typed with spaces or hyphens are normalized', () => {
  const s = 'JBSWY3DPEHPK3PXP';
  const now = 1_700_000_000_000;
  const code = totpCode(s, now);
  for (const typed of [code, `${code.slice(0, 3)} ${code.slice(3)}`, `${code.slice(0, 3)}-${code.slice(3)}`]) {
    assert.equal(verifyTotp(s, typed, now).valid, true, typed);
  }
});

test('secrets: CSPRNG, base32, grouped for typing', () => {
  const a = generateSecret();
  assert.match(a, /^[A-Z2-7]{32}$/);
  assert.notEqual(a, generateSecret());
  assert.match(generateSecret(16), /^[A-Z2-7]{26}$/);
  assert.equal(formatSecret('jbswy3dpehpk3pxp'), 'JBSW Y3DP EHPK 3PXP');
});

test('otpauth URIs: strict build, lenient parse', () => {
  const uri = buildOtpauthUri({ secret: 'JBSWY3DPEHPK3PXP', account: 'alice@example.com', issuer: 'ACME Co' });
  assert.equal(
    uri,
    'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
  );
  assert.deepEqual(parseOtpauthUri(uri), {
    type: 'totp', secret: 'JBSWY3DPEHPK3PXP', account: 'alice@example.com', issuer: 'ACME Co',
    algorithm: 'SHA1', digits: 6, period: 30,
  });
  assert.deepEqual(parseOtpauthUri('otpauth://totp/ACME%3Aalice?secret=jbswy3dpehpk3pxp&algorithm=sha256&digits=8&period=60'), {
    type: 'totp', secret: 'JBSWY3DPEHPK3PXP', account: 'alice', issuer: 'ACME',
    algorithm: 'SHA256', digits: 8, period: 60,
  });
  assert.equal(parseOtpauthUri('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=5').counter, 5);
});

test('every failure is a TotpkitError with a stable code; the module keeps working', () => {
  const s = 'JBSWY3DPEHPK3PXP';
  const now = Date.now();
  throwsTotpkit(() => totpCode('JBSW!', now), 'InvalidBase32');
  throwsTotpkit(() => totpCode(undefined, now), 'InvalidBase32');
  throwsTotpkit(() => totpCode('JBSWY3DP', now), 'InvalidSecretLength');
  throwsTotpkit(() => generateSecret(8), 'InvalidSecretLength');
  throwsTotpkit(() => totpCode(s, NaN), 'InvalidTime');
  throwsTotpkit(() => totpCode(s, -1), 'InvalidTime');
  throwsTotpkit(() => totpCode(s, 2 ** 53 + 4096), 'InvalidTime');
  throwsTotpkit(() => totpCode(s, now, { digits: 10 }), 'InvalidDigits');
  throwsTotpkit(() => totpCode(s, now, { period: 3601 }), 'InvalidPeriod');
  throwsTotpkit(() => totpCode(s, now, { algorithm: 'SHA3' }), 'UnsupportedAlgorithm');
  throwsTotpkit(() => totpCode(s, now, []), 'InvalidOptions');
  throwsTotpkit(() => hotpCode(s, 1.5), 'InvalidCounter');
  throwsTotpkit(() => verifyTotp(s, '12 34 5', now), 'InvalidCode');
  throwsTotpkit(() => verifyTotp(s, '123456', now, { window: -1 }), 'InvalidWindow');
  throwsTotpkit(() => parseOtpauthUri('http://x'), 'InvalidUri');
  throwsTotpkit(() => parseOtpauthUri('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5'), 'InvalidDigits');
  throwsTotpkit(() => parseOtpauthUri('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0'), 'InvalidPeriod');
  throwsTotpkit(() => parseOtpauthUri('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=md5'), 'UnsupportedAlgorithm');
  throwsTotpkit(() => parseOtpauthUri('otpauth://totp/x?secret=0000'), 'InvalidBase32');
  throwsTotpkit(() => buildOtpauthUri({ secret: s, account: 'a', issuer: 'A:B' }), 'InvalidLabel');
});

test('pyotp agrees through the package on 300 random cases', () => {
  const b32 = (bytes) => {
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const b of bytes) bits += b.toString(2).padStart(8, '0');
    while (bits.length % 5) bits += '0';
    return bits.match(/.{5}/g).map((c) => A[parseInt(c, 2)]).join('');
  };
  const algs = ['SHA1', 'SHA256', 'SHA512'];
  const periods = [1, 15, 30, 60, 3600];
  const cases = Array.from({ length: 300 }, () => {
    const key = Array.from({ length: 10 + Math.floor(Math.random() * 55) }, () => Math.floor(Math.random() * 256));
    return {
      secret: b32(key),
      algorithm: algs[Math.floor(Math.random() * 3)],
      digits: 6 + Math.floor(Math.random() * 3),
      period: periods[Math.floor(Math.random() * periods.length)],
      at: Math.floor(Math.random() * 7_258_118_400),
    };
  });
  const input = cases.map((c) => `totp ${c.secret} ${c.algorithm} ${c.digits} ${c.period} ${c.at}`).join('\n') + '\n';
  const out = execFileSync('python3', [join(root, 'tests', 'oracles', 'pyotp_codes.py')], { input, encoding: 'utf8' });
  const want = out.trim().split('\n');
  assert.equal(want.length, cases.length);
  cases.forEach((c, i) => {
    assert.equal(totpCode(c.secret, c.at * 1000, c), want[i], JSON.stringify(c));
  });
});

test('npm pack gives a tarball that installs and imports as "totpkit"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-consumer-'));
  const tgz = execFileSync('npm', ['pack', pkgDir, '--pack-destination', dir, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(dir, tgz)], { cwd: dir });
  writeFileSync(
    join(dir, 'main.mjs'),
    `import { readFileSync } from 'node:fs';
     import { createRequire } from 'node:module';
     import { initSync, totpCode } from 'totpkit';
     const wasm = createRequire(import.meta.url).resolve('totpkit/totpkit_bg.wasm');
     initSync({ module: readFileSync(wasm) });
     console.log(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59000, { digits: 8 }));`,
  );
  assert.equal(execFileSync('node', ['main.mjs'], { cwd: dir, encoding: 'utf8' }).trim(), '94287082');
});

test('a string argument over 65 536 characters fails at once, with the argument\'s code', () => {
  const long = 'A'.repeat(10_000_000);
  const started = performance.now();
  throwsTotpkit(() => formatSecret(long), 'InvalidSecretLength');
  throwsTotpkit(() => totpCode(long, 0), 'InvalidSecretLength');
  throwsTotpkit(() => verifyTotp('JBSWY3DPEHPK3PXP', long, 0), 'InvalidCode');
  throwsTotpkit(() => parseOtpauthUri(long), 'InvalidUri');
  throwsTotpkit(() => totpkit.renderQrSvg(long), 'QrTooLong');
  throwsTotpkit(() => buildOtpauthUri({ secret: 'JBSWY3DPEHPK3PXP', account: long }), 'InvalidLabel');
  // No copy, no encoding, no hashing of ten million characters: well under a second even on a
  // loaded machine (it used to take 33 s for formatSecret of 500 M characters).
  assert.ok(performance.now() - started < 1000);
  assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59000, { digits: 8 }), '94287082');
});

test('the browser build: a call before init is NotInitialized, and a failed init names the URL', async () => {
  // A copy of the package, so its module instances are fresh (not initialized by this file).
  const dir = mkdtempSync(join(tmpdir(), 'totpkit-fresh-'));
  for (const f of ['totpkit.js', 'front.js', 'whole.js', 'qr.js', 'init-sync.js', 'glue.js', 'error.js', 'code.js', 'clock.js', 'uri.js', 'args.js', 'totpkit_bg.wasm']) writeFileSync(join(dir, f), readFileSync(join(pkgDir, f)));
  const fresh = await import(join(dir, 'totpkit.js'));
  throwsTotpkit(() => fresh.totpCode('JBSWY3DPEHPK3PXP', 0), 'NotInitialized');
  const url = 'http://127.0.0.1:9/missing/totpkit_bg.wasm';
  await assert.rejects(fresh.default(url), (e) => {
    assert.ok(e instanceof totpkit.TotpkitError);
    assert.equal(e.code, 'NotInitialized');
    assert.ok(e.message.includes(url), e.message);
    return true;
  });
  // Still usable once the wasm is given.
  fresh.initSync({ module: readFileSync(join(dir, 'totpkit_bg.wasm')) });
  assert.equal(fresh.totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59000, { digits: 8 }), '94287082');
  await fresh.default(); // harmless once loaded
});

test('a known otpauth parameter given twice is InvalidUri, and the message names it', () => {
  assert.throws(
    () => parseOtpauthUri('otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&period=30&period=60'),
    (e) => e instanceof totpkit.TotpkitError && e.code === 'InvalidUri' && e.message.includes('`period`'),
  );
  assert.throws(
    () => parseOtpauthUri('otpauth://totp/ACME:alice?Algorithm=SHA1&secret=JBSWY3DPEHPK3PXP&algorithm=SHA256'),
    (e) => e.code === 'InvalidUri' && e.message.includes('`algorithm`'),
  );
  // And the module is fine afterwards.
  assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59000, { digits: 8 }), '94287082');
});
