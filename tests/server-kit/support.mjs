// What the server kit's tests share: the built package (pkg/) loaded the way Node gets
// `totpkit/server` (server-node.js, the wasm inline), a phone whose codes come from the otpauth
// npm package (never from totpkit), a settable clock, and checks for thrown TotpkitErrors.
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as OTPAuth from 'otpauth';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// TOTPKIT_PKG=dir: another build of the package (bench/server.mjs reads the same variable).
export const PKG = process.env.TOTPKIT_PKG ?? join(ROOT, 'pkg');
const load = (file) => import(pathToFileURL(join(PKG, file)).href);

export const kit = await load('server-node.js');
export const { postgresStore } = await load('server-postgres.js');
export const { sqliteStore } = await load('server-sqlite.js');

/** 15 s into a 30 s step, so ±a few seconds never crosses a step boundary by accident. */
export const T0 = 1_700_000_025_000;
export const STEP = 30_000;
export const MINUTE = 60_000;

/** A settable clock for `now`. */
export function clock(start = T0) {
  const c = { t: start, now: () => c.t, advance: (ms) => (c.t += ms) };
  return c;
}

export const newKey = () => crypto.getRandomValues(new Uint8Array(32));

let users = 0;
/** A user id no other test uses (stores are shared within a file). */
export const newUser = (label = 'user') => `${label}-${process.pid}-${++users}`;

/** An authenticator app: the secret from the enrollment, and a clock `offsetMs` off the server's. */
export function phone(secret, offsetMs = 0) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return {
    code: (serverMs) => totp.generate({ timestamp: serverMs + offsetMs }),
    /** A well-formed code that matches no step within ±12 of `serverMs` (so: not even a resync). */
    wrong(serverMs) {
      const near = new Set();
      for (let d = -12; d <= 12; d++) near.add(totp.generate({ timestamp: serverMs + d * STEP }));
      for (let n = 0; ; n++) {
        const c = String((n * 7919 + 123_457) % 1_000_000).padStart(6, '0');
        if (!near.has(c)) return c;
      }
    },
  };
}

/** A server with a memory store (or `store`), a fresh key and its own clock. */
export function server({ store = kit.memoryStore(), key = newKey(), previousKeys, c = clock(), issuer = 'ACME Co' } = {}) {
  const totp = kit.createTotpServer({ issuer, store, encryptionKey: key, now: c.now, ...(previousKeys ? { previousKeys } : {}) });
  return { totp, store, key, c };
}

/** Begins and confirms an enrollment at the clock's time; returns the phone and recovery codes. */
export async function enroll(totp, c, userId, { offsetMs = 0 } = {}) {
  const begun = await totp.beginEnrollment(userId, { account: `${userId}@example.com` });
  assert.equal(begun.resumed, false);
  const p = phone(begun.secret, offsetMs);
  const confirmed = await totp.confirmEnrollment(userId, p.code(c.t), { source: 'enroll' });
  assert.equal(confirmed.ok, true, JSON.stringify(confirmed));
  return { phone: p, secret: begun.secret, recoveryCodes: confirmed.recoveryCodes };
}

/** Asserts that `promise` rejects with a TotpkitError of `code`, a code the kit documents. */
export async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof kit.TotpkitError, `a TotpkitError, not ${e && e.stack}`);
    assert.equal(e.name, 'TotpkitError');
    assert.equal(e.code, code, e.message);
    assert.ok(kit.ERROR_CODES.includes(e.code), `${e.code} is in ERROR_CODES`);
    return true;
  });
}

/** Asserts that `f` throws (synchronously) a TotpkitError of `code`. */
export function throwsWith(f, code) {
  assert.throws(f, (e) => {
    assert.ok(e instanceof kit.TotpkitError, `a TotpkitError, not ${e && e.stack}`);
    assert.equal(e.code, code, e.message);
    assert.ok(kit.ERROR_CODES.includes(e.code));
    return true;
  });
}
