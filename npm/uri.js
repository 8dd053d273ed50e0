// Building an otpauth:// URI, in JS: a string join (as otpauth does it), which through the wasm
// cost more in copying arguments in and the URI out than the join itself (0.2x otpauth). The
// rules keep one specification, the core's `KeyUri::to_uri` (src/otpauth.rs, with the binding's
// argument rules): the case file tests/data/uri-cases.json, which both pass, and a property
// cross-check of the two on generated input (tests/core/spec_cases.rs). Errors carry the core's
// codes and messages.
import { TotpkitError } from './error.js';

const MESSAGES = {
  InvalidOptions: 'an option has the wrong type or is out of range',
  MissingSecret: 'otpauth URI has no secret parameter',
  InvalidBase32: 'secret is not valid base32 (RFC 4648)',
  InvalidSecretLength: 'secret length is out of range',
  InvalidLabel: "issuer and account must not contain ':' and account must not be empty",
  UnsupportedOtpType: 'otpauth type must be totp or hotp',
  UnsupportedAlgorithm: 'algorithm must be SHA1, SHA256 or SHA512',
  InvalidDigits: 'digits must be 6, 7 or 8',
  InvalidPeriod: 'period must be a whole number of seconds from 1 to 3600',
  InvalidCounter: 'hotp needs a counter: a whole number from 0 to 2^53 - 1',
};
const fail = (code) => {
  throw new TotpkitError(code, MESSAGES[code]);
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// The longest string argument (the front's MAX_TEXT); a secret decodes to 10–256 bytes.
const MAX_TEXT = 65_536;
const [MIN_BYTES, MAX_BYTES] = [10, 256];
const MAX_COUNTER = 2 ** 53 - 1;
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/** A secret as canonical base32 (uppercase, unpadded), by the core's lenient reading: spaces,
 * hyphens and tabs ignored, `=` only at the end, either case; decoded and encoded again, so bits
 * past the last whole byte drop out as they do in the core. */
function canonical(text) {
  const bytes = [];
  let [value, bits, symbols, padded] = [0, 0, 0, false];
  for (const c of text) {
    if (c === ' ' || c === '-' || c === '\t') continue;
    if (c === '=') {
      padded = true;
      continue;
    }
    // ASCII only: the core reads bytes ("ſ".toUpperCase() is "S" in JS).
    const v = c < '\x80' ? ALPHABET.indexOf(c.toUpperCase()) : -1;
    if (padded || v < 0) fail('InvalidBase32');
    symbols += 1;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 255);
      value &= (1 << bits) - 1;
    }
  }
  if (symbols === 0 || [1, 3, 6].includes(symbols % 8)) fail('InvalidBase32');
  if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) fail('InvalidSecretLength');
  let out = '';
  [value, bits] = [0, 0];
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  bytes.fill(0);
  return bits ? out + ALPHABET[(value << (5 - bits)) & 31] : out;
}

/** Percent-encodes every UTF-8 byte outside RFC 3986's unreserved set (a lone surrogate is
 * U+FFFD, as the core receives it). */
function encode(text) {
  if (UNRESERVED.test(text)) return text;
  let out = '';
  for (const b of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(b);
    out += b < 128 && UNRESERVED.test(c) ? c : `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}

/** A string argument: absent → undefined; not a string → `code`; too long → `longCode`. */
function text(value, code, longCode = code) {
  if (value == null) return undefined;
  if (typeof value !== 'string') fail(code);
  if (value.length > MAX_TEXT) fail(longCode);
  return value;
}

/** A number argument: absent → `fallback`; not a number (or NaN) → `code`. */
function num(value, fallback, code) {
  if (value == null) return fallback;
  if (typeof value !== 'number' || value !== value) fail(code);
  return value;
}

const whole = (n, max) => Number.isInteger(n) && n >= 0 && n <= max;

/** The otpauth:// URI for `{ secret, account, issuer?, type?, counter?, algorithm?, digits?,
 * period? }`, exactly as the core writes it. */
export function buildOtpauthUri(p) {
  let f;
  try {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) fail('InvalidOptions');
    f = ['secret', 'account', 'issuer', 'type', 'counter', 'algorithm', 'digits', 'period'].map((k) => p[k]);
  } catch (e) {
    // A revoked Proxy or a throwing getter.
    throw e instanceof TotpkitError ? e : new TotpkitError('InvalidOptions', MESSAGES.InvalidOptions);
  }
  const [s, acc, iss, type, c, alg, d, per] = f;
  // The front's order: what is missing, then each argument's type, then the core's checks.
  if (s == null) fail('MissingSecret');
  if (acc == null) fail('InvalidLabel');
  const secret = text(s, 'InvalidBase32', 'InvalidSecretLength');
  const account = text(acc, 'InvalidLabel');
  const issuer = text(iss, 'InvalidLabel');
  const kind = text(type, 'UnsupportedOtpType');
  const counter = num(c, NaN, 'InvalidCounter');
  // Any case, with or without the hyphen (SHA-1, sha1); ASCII only, as the core compares bytes.
  const name = alg == null ? 'SHA1' : text(alg, 'UnsupportedAlgorithm').replace(/-/g, '').replace(/[a-z]+/g, (l) => l.toUpperCase());
  if (!['SHA1', 'SHA256', 'SHA512'].includes(name)) fail('UnsupportedAlgorithm');
  const digits = num(d, 6, 'InvalidDigits');
  const period = num(per, 30, 'InvalidPeriod');
  const base32 = canonical(secret);
  if (kind !== undefined && kind !== 'totp' && kind !== 'hotp') fail('UnsupportedOtpType');
  const hotp = kind === 'hotp';
  if (hotp && !whole(counter, MAX_COUNTER)) fail('InvalidCounter');
  // Whole numbers first (both), then their ranges: the binding's order.
  if (!whole(digits, 2 ** 32 - 1)) fail('InvalidDigits');
  if (!whole(period, 2 ** 32 - 1)) fail('InvalidPeriod');
  if (digits < 6 || digits > 8) fail('InvalidDigits');
  if (period < 1 || period > 3600) fail('InvalidPeriod');
  const named = issuer || undefined;
  if (!account || account.includes(':') || named?.includes(':')) fail('InvalidLabel');
  const label = named ? `${encode(named)}:${encode(account)}` : encode(account);
  const tail = hotp ? `&counter=${counter}` : `&period=${period}`;
  return `otpauth://${hotp ? 'hotp' : 'totp'}/${label}?secret=${base32}${named ? `&issuer=${encode(named)}` : ''}&algorithm=${name}&digits=${digits}${tail}`;
}
