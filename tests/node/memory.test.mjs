// No copy of a secret stays in the module's memory after a call (issue 12, finding 8).
//
// Every call that takes or makes a secret runs, then the whole wasm memory (stack, static data
// and heap) is searched for the key bytes, its base32 text and the exact text passed in. The
// binding wipes every freed heap block (wasm/src/heap.rs) and overwrites the stack the core used
// (wasm/src/api.rs, scrub_stack); the hashes wipe their keyed state (hmac/sha1/sha2 `zeroize`).
// What JS itself keeps (the strings the caller passed and got back) is outside the module and
// documented in the README ("Secrets in memory").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');
const bytes = readFileSync(join(pkgDir, 'totpkit_bg.wasm'));
// The glue and the front share one instance: the glue's initSync hands back the raw exports
// (memory included), which the public API never exposes.
const glue = await import(pathToFileURL(join(pkgDir, 'glue.js')).href);
const wasm = glue.initSync({ module: bytes });
const tk = await import(pathToFileURL(join(pkgDir, 'totpkit.js')).href);
tk.initSync({ module: bytes });

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(buf) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Offsets in wasm memory (the whole module's, or `instance`'s) where `needle` (bytes) occurs. */
function find(needle, instance = wasm) {
  const mem = new Uint8Array(instance.memory.buffer);
  const hits = [];
  let at = mem.indexOf(needle[0]);
  while (at !== -1 && hits.length < 5) {
    let ok = true;
    for (let i = 1; i < needle.length && ok; i++) ok = mem[at + i] === needle[i];
    if (ok) hits.push(at);
    at = mem.indexOf(needle[0], at + 1);
  }
  return hits;
}
const ascii = (s) => new TextEncoder().encode(s);

function assertNoCopies(label, key, texts, instance = wasm) {
  // The first 12 bytes of the key are enough to find a copy and never occur by chance.
  assert.deepEqual(find(key.subarray(0, 12), instance), [], `${label}: key bytes left in wasm memory`);
  for (const t of texts) assert.deepEqual(find(ascii(t.slice(0, 16)), instance), [], `${label}: "${t.slice(0, 4)}…" left in wasm memory`);
}

const NOW = 1_700_000_000_000;
for (const [algorithm, size] of [['SHA1', 20], ['SHA256', 32], ['SHA512', 64]]) {
  test(`no copy of a ${algorithm} key in wasm memory after any call that takes one`, () => {
    const key = randomBytes(size);
    const secret = base32(key);
    const lower = secret.toLowerCase();
    const opts = { algorithm };
    const code = tk.totpCode(secret, NOW, opts);
    const calls = {
      totpCode: () => tk.totpCode(lower, NOW, opts),
      hotpCode: () => tk.hotpCode(secret, 7, opts),
      verifyTotp: () => tk.verifyTotp(secret, code, NOW, opts),
      'verifyTotp (reject)': () => tk.verifyTotp(secret, code === '000000' ? '000001' : '000000', NOW, opts),
      codePreview: () => tk.codePreview(secret, NOW, opts),
      diagnoseCode: () => tk.diagnoseCode(secret, code, NOW + 120_000, opts),
      formatSecret: () => tk.formatSecret(lower),
      buildOtpauthUri: () => tk.buildOtpauthUri({ secret, account: 'alice@example.com', issuer: 'ACME', ...opts }),
      parseOtpauthUri: () => tk.parseOtpauthUri(`otpauth://totp/ACME:alice?secret=${lower}&algorithm=${algorithm}`),
      renderQrSvg: () => tk.renderQrSvg(`otpauth://totp/ACME:alice?secret=${secret}`),
      qrMatrix: () => tk.qrMatrix(`otpauth://totp/ACME:alice?secret=${secret}`),
      enrollment: () => tk.enrollment({ account: 'alice', secret: lower, ...opts }),
    };
    for (const [name, call] of Object.entries(calls)) {
      call();
      assertNoCopies(name, key, [secret, lower]);
    }
  });
}

/** A fresh copy of the browser front (its own module state) on a smaller module's own instance. */
async function smaller(name) {
  const dir = mkdtempSync(join(tmpdir(), `totpkit-${name}-memory-`));
  for (const f of ['front.js', 'error.js', 'qr.js', 'uri.js', 'args.js', `${name}-glue.js`]) writeFileSync(join(dir, f), readFileSync(join(pkgDir, f)));
  const glue = await import(pathToFileURL(join(dir, `${name}-glue.js`)).href);
  const exports = glue.initSync({ module: readFileSync(join(pkgDir, `totpkit_${name}_bg.wasm`)) });
  const front = await import(pathToFileURL(join(dir, 'front.js')).href);
  front.ready(exports);
  return [front, exports];
}

/** Runs `calls(front, secret, lower)` for keys of 20, 32 and 64 bytes on a fresh front over a
 * smaller module, and checks after each call that no copy of the key is left in its memory. */
async function scanSmaller(name, label, calls) {
  const [front, exports] = await smaller(name);
  for (const size of [20, 32, 64]) {
    const key = randomBytes(size);
    const secret = base32(key);
    const lower = secret.toLowerCase();
    for (const [what, call] of Object.entries(calls(front, secret, lower))) {
      call();
      assertNoCopies(`${label}, ${what}`, key, [secret, lower], exports);
    }
  }
}

test('the QR module (totpkit_qr_bg.wasm, <totp-enrollment>\'s) keeps no copy either', () =>
  scanSmaller('qr', 'QR module', (front, secret, lower) => ({
    formatSecret: () => front.formatSecret(lower),
    parseOtpauthUri: () => front.parseOtpauthUri(`otpauth://totp/ACME:alice?secret=${lower}`),
    'parseOtpauthUri (refused)': () => assert.throws(() => front.parseOtpauthUri(`otpauth://totp/a?secret=${lower}&digits=9`)),
  })));

test('the codes module (totpkit_codes_bg.wasm, a page\'s init()) keeps no copy either', () =>
  scanSmaller('codes', 'codes module', (front, secret, lower) => ({
    formatSecret: () => front.formatSecret(lower),
    totpCode: () => front.totpCode(lower, Date.now(), { algorithm: 'SHA256' }),
    verifyTotp: () => front.verifyTotp(lower, '123456', Date.now(), { window: 3 }),
    enrollment: () => front.enrollment({ account: 'alice', issuer: 'ACME', secret: lower }),
    'totpCode (refused)': () => assert.throws(() => front.totpCode(lower, Date.now(), { digits: 9 })),
  })));

test('no copy of a generated secret in wasm memory', () => {
  for (const make of [() => tk.generateSecret(), () => tk.generateSecret(64), () => tk.enrollment({ account: 'a' }).secret]) {
    const secret = make();
    const key = new Uint8Array(secret.length * 5 / 8 | 0);
    // Decode the first 12 bytes back from base32 to look for the raw key too.
    let bits = 0, value = 0, n = 0;
    for (const c of secret) {
      value = (value << 5) | ALPHABET.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        key[n++] = (value >>> (bits - 8)) & 255;
        bits -= 8;
      }
    }
    assertNoCopies('generateSecret', key, [secret]);
  }
});

test('the error path leaves no copy either', () => {
  const key = randomBytes(20);
  const secret = base32(key);
  assert.throws(() => tk.totpCode(secret, NOW, { digits: 9 }), { code: 'InvalidDigits' });
  assert.throws(() => tk.verifyTotp(secret, '12345', NOW), { code: 'InvalidCode' });
  assertNoCopies('errors', key, [secret]);
});

test('memory stays bounded over many calls (the arena starts over after each one)', () => {
  const before = wasm.memory.buffer.byteLength;
  for (let i = 0; i < 300; i++) tk.enrollment({ account: `user${i}@example.com`, issuer: 'ACME' });
  assert.equal(wasm.memory.buffer.byteLength, before);
});
