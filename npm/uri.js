// Building an otpauth:// URI, in JS: a string join (as otpauth does it), which through the wasm
// cost more in copying arguments in and the URI out than the join itself (0.2x otpauth). The
// rules keep one specification, the core's `KeyUri::to_uri` (src/otpauth.rs, with the binding's
// argument rules): the case file tests/data/uri-cases.json, which both pass, and a property
// cross-check of the two on generated input (tests/core/spec_cases.rs). Errors carry the core's
// codes and messages.
// Its own fail and num, not ./args.js's: the browser front imports this module, and a login page's
// rules (./code.js, ./clock.js) would share ./args.js with it otherwise, as a chunk of its own
// (28 B more for every sign-in, over the login page's 6 KB must).
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
const num = (value, fallback, code) => {
  if (value == null) return fallback;
  if (typeof value !== 'number' || value !== value) fail(code);
  return value;
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// The longest string argument (the front's MAX_TEXT); a secret decodes to 10–256 bytes.
const MAX_TEXT = 65_536;
const [MIN_BYTES, MAX_BYTES] = [10, 256];
const MAX_COUNTER = 2 ** 53 - 1;

/** A secret as canonical base32 (uppercase, unpadded), by the core's lenient reading: spaces,
 * hyphens and tabs ignored, `=` only at the end, either case (ASCII only: the core reads bytes,
 * and "ſ".toUpperCase() is "S" in JS). The bits past the last whole byte are not the secret's:
 * written as zero, as the core's decode and encode leave them. */
function canonical(text) {
  // Most secrets are canonical already (what a server makes): nothing to strip or fold.
  const clean = CANONICAL.test(text);
  const symbols = clean ? text : text.replace(SEPARATORS, '').replace(PADDING, '');
  if (!clean && !BASE32.test(symbols)) fail('InvalidBase32');
  const n = symbols.length;
  // 1, 3 or 6 symbols left over in the last group of eight: no byte string encodes to that.
  if (n === 0 || (0b1001010 >> n % 8) & 1) fail('InvalidBase32');
  const bytes = Math.floor((n * 5) / 8);
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) fail('InvalidSecretLength');
  const upper = clean ? text : symbols.toUpperCase();
  const spare = n * 5 - bytes * 8;
  if (!spare) return upper;
  return upper.slice(0, -1) + ALPHABET[ALPHABET.indexOf(upper[n - 1]) & ~((1 << spare) - 1)];
}
const SEPARATORS = /[ \t-]/g;
const PADDING = /=+$/;
const BASE32 = /^[A-Za-z2-7]*$/;
const CANONICAL = /^[A-Z2-7]+$/;

/** Percent-encodes every UTF-8 byte outside RFC 3986's unreserved set: encodeURIComponent, which
 * leaves ! ' ( ) * alone, then those. A lone surrogate is U+FFFD, as the core receives it. */
function encode(text) {
  // isWellFormed: ES2024 (Chrome 111, Safari 16.4, Firefox 119); the expression for the others.
  const whole = (text.isWellFormed ? text.isWellFormed() : !LONE_SURROGATE.test(text)) ? text : text.replace(LONE_SURROGATES, '\ufffd');
  const out = encodeURIComponent(whole);
  // The marks are the same in the text and in what encodeURIComponent made of it.
  return MARK.test(text) ? out.replace(MARKS_ALL, (c) => MARKS[c]) : out;
}
const MARK = /[!'()*]/;
const MARKS_ALL = /[!'()*]/g;
const MARKS = { '!': '%21', "'": '%27', '(': '%28', ')': '%29', '*': '%2A' };
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE, 'g');

/** A string argument: absent → undefined; not a string → `code`; too long → `longCode`. */
function text(value, code, longCode = code) {
  if (value == null) return undefined;
  if (typeof value !== 'string') fail(code);
  if (value.length > MAX_TEXT) fail(longCode);
  return value;
}

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'];
/** An algorithm's id on the wire (wasm/src/api.rs: 1 SHA1, 2 SHA256, 3 SHA512), by the core's
 * `Algorithm::parse`: any case, with or without the hyphen (SHA-1, sha1); ASCII only, as the core
 * compares bytes. Absent: 1. The front passes the hot calls this id. */
export function algorithmId(value) {
  if (value == null) return 1;
  const id = ALGORITHMS.indexOf(value) + 1 || ALGORITHMS.indexOf(text(value, 'UnsupportedAlgorithm').replace(/-/g, '').replace(/[a-z]+/g, (l) => l.toUpperCase())) + 1;
  if (!id) fail('UnsupportedAlgorithm');
  return id;
}

const whole = (n, max) => Number.isInteger(n) && n >= 0 && n <= max;

/** The otpauth:// URI for `{ secret, account, issuer?, type?, counter?, algorithm?, digits?,
 * period? }`, exactly as the core writes it. */
export function buildOtpauthUri(p) {
  return otpauth(p).uri;
}

/** The URI and what it settled on: the secret as canonical base32, the algorithm's name, digits
 * and period (the front's enrollment() returns them). */
export function otpauth(p) {
  let s, acc, iss, type, c, alg, d, per;
  try {
    if (p === null || typeof p !== 'object' || Array.isArray(p)) fail('InvalidOptions');
    ({ secret: s, account: acc, issuer: iss, type, counter: c, algorithm: alg, digits: d, period: per } = p);
  } catch (e) {
    // A revoked Proxy or a throwing getter.
    throw e instanceof TotpkitError ? e : new TotpkitError('InvalidOptions', MESSAGES.InvalidOptions);
  }
  // The front's order: what is missing, then each argument's type, then the core's checks.
  if (s == null) fail('MissingSecret');
  if (acc == null) fail('InvalidLabel');
  const secret = text(s, 'InvalidBase32', 'InvalidSecretLength');
  const account = text(acc, 'InvalidLabel');
  const issuer = text(iss, 'InvalidLabel');
  const kind = text(type, 'UnsupportedOtpType');
  const counter = num(c, NaN, 'InvalidCounter');
  const name = ALGORITHMS[algorithmId(alg) - 1];
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
  const by = named && encode(named);
  const label = by ? `${by}:${encode(account)}` : encode(account);
  const tail = hotp ? `&counter=${counter}` : `&period=${period}`;
  const uri = `otpauth://${hotp ? 'hotp' : 'totp'}/${label}?secret=${base32}${by ? `&issuer=${by}` : ''}&algorithm=${name}&digits=${digits}${tail}`;
  return { uri, secret: base32, algorithm: name, digits, period };
}

