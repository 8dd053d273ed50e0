// The typed JS front over the wasm core: every function of totpkit's public API that runs in the
// wasm (npm/totpkit.js is the package's entry: this module and the JS rules beside it). The
// elements import this module only when they need the wasm (npm/elements/base.js).
//
// This module decides the JS side of the API and nothing else: argument types, option names,
// result objects and TotpkitError. Every rule (ranges, defaults, base32, URIs, codes, QR, clock
// math, diagnosis) lives in the Rust core, reached through the numeric exports of wasm/src/api.rs
// (their calling convention is documented there): string arguments are written as UTF-8 into the
// module's I/O region, results are read from it and then zeroed. Absent options travel as NaN or
// length -1, so the core applies its own defaults; a NaN from the caller is refused here. Each
// export is called through its `wire_<name>` function, generated from the wire's declaration
// (wasm/wire.json) into the region below by scripts/wire.mjs, which also checks that every call
// passes the declared arguments by name.
//
// Loading: browsers and bundlers call `await init()` (or `initSync`); the Node, Deno and Bun
// entry (node.js) and the Workers entry (workerd.js) initialize before the caller's first line,
// with the whole module (totpkit_bg.wasm: every call). In a browser, `init()` without arguments
// loads the smallest module that runs every function the page imports (pay for what you use):
// the codes module (totpkit_codes_bg.wasm: codes, verification, secrets, the key's grouping),
// unless the page imports one of the functions of ./whole.js (URI parsing, HOTP codes, code
// preview, diagnosis), whose module calls `needWhole()` when it is evaluated; a bundler leaves that module
// out of a page that imports none of them (package.json `sideEffects`). <totp-enrollment> calls
// `loadQr()` (./qr-load.js) instead: the QR module (totpkit_qr_bg.wasm: URI parsing and the key's
// grouping, no HMAC or hashes). Each function checks that a module it runs on is loaded
// (`live(…)`, which scripts/wire.mjs reads); `init()` loads the whole module over a smaller one
// when the page needs it.
//
// QR codes: the whole module draws them (src/qr); on the smaller modules, or none, the front draws
// them in JS (./qr.js, the core's encoder written the same way and held to it by tests), which
// costs a page ~3 KB of JS instead of ~7 KB of .wasm.
//
// The glues (wasm-bindgen's loaders) are imported when a load starts, so that a bundle fetches
// only the one its page uses: glue.js for the whole module, codes-glue.js and qr-glue.js for the
// others. `initSync` (./init-sync.js, beside) imports glue.js itself.
import { TotpkitError } from './error.js';
import { qrMatrix as jsMatrix, qrSvg as jsSvg, svgOptions } from './qr.js';
import { algorithmId, otpauth } from './uri.js';

export { TotpkitError };

const CODES = [
  'InvalidBase32', 'InvalidSecretLength', 'InvalidUri', 'UnsupportedOtpType', 'MissingSecret',
  'InvalidLabel', 'UnsupportedAlgorithm', 'InvalidDigits', 'InvalidPeriod', 'InvalidCounter',
  'InvalidTime', 'InvalidWindow', 'InvalidCode', 'QrTooLong', 'InvalidOptions', 'InvalidSample',
  'InvalidDate', 'ClockCheckFailed', 'RandomUnavailable', 'InvalidRecord',
];
const NOT_INITIALIZED =
  'totpkit is not initialized: call `await init()` (or `initSync({ module })`) first';
const NOT_WHOLE =
  'this function needs the whole totpkit module, and a smaller one is loaded: call `await init()` after importing it';

// The longest string any argument may be: far above any real secret, URI or QR text, and small
// enough that copying it into the module is cheap. Longer input fails with the argument's code.
const MAX_TEXT = 65_536;

// The wasm exports, which module they are ('whole', 'codes' or 'qr'; null before a load), the
// smallest module the page's functions need (see needWhole), the address of the I/O region, a
// byte view of memory (replaced when memory grows or the module is), and the write position for
// the current call's arguments.
let core = null;
let which = null;
let wanted = 'codes';
let io = 0;
let mem = new Uint8Array(0);
let at = 0;

/** Throws NotInitialized unless the whole module, or one of the smaller modules named (`a`, `b`:
 * at most two; no rest array, the hot calls run it), is loaded. scripts/wire.mjs checks that the
 * function calls only the calls those modules have. */
function live(a, b) {
  if (which !== 'whole' && (which === null || (which !== a && which !== b))) throw new TotpkitError('NotInitialized', core ? NOT_WHOLE : NOT_INITIALIZED);
}

/** Called by ./whole.js when a page imports one of its functions: `init()` then loads the whole
 * module. Not part of the public API. */
export function needWhole() {
  wanted = 'whole';
}

/** Zeroes the arguments the current call wrote (the core zeroes what it read, too). */
function wipeArgs() {
  memory().fill(0, io, io + at);
  at = 0;
}

/** The bytes of wasm memory. Growing memory detaches the old buffer (length 0), so the view is
 * renewed only then, without reading `memory.buffer` on every call. */
function memory() {
  if (mem.length === 0) {
    mem = new Uint8Array(core.memory.buffer);
    view = new DataView(mem.buffer);
  }
  return mem;
}
let view = null;

const encoder = new TextEncoder();
/** Writes a string argument as UTF-8 and returns its byte length (ASCII without the encoder). */
function put(s) {
  const m = memory();
  const start = io + at;
  const n = s.length;
  let len = 0;
  while (len < n) {
    const c = s.charCodeAt(len);
    if (c > 0x7f) break;
    m[start + len] = c;
    len++;
  }
  if (len < n) len += encoder.encodeInto(s.slice(len), m.subarray(start + len)).written;
  at += len;
  return len;
}
/** An optional string argument: -1 when absent. */
function putOpt(s) {
  return s === undefined ? -1 : put(s);
}
/** Bytes (a Uint8Array) as an argument: -1 when absent. */
function putBytes(bytes) {
  if (bytes === undefined) return -1;
  memory().set(bytes, io + at);
  at += bytes.length;
  return bytes.length;
}

/** The error with this 1-based index; its message comes from the core. */
function failure(index) {
  const code = CODES[index - 1] || 'InvalidOptions';
  let message = code;
  try {
    message = wire_error_message(index);
  } catch {
    // Keep the code as the message rather than hide the real error.
  }
  return new TotpkitError(code, message);
}

function fail(code) {
  throw failure(CODES.indexOf(code) + 1);
}

/** Reads a result record (its layout: wasm/src/wire.rs) at the start of the I/O region; callers
 * zero it afterwards (`read`). A failed call's record throws its TotpkitError, with the record's own
 * message when it carries one. */
class Reader {
  constructor(length) {
    const index = memory()[io];
    this.end = io + length;
    this.view = view;
    this.at = io + 1;
    if (index !== 0) throw length > 1 ? new TotpkitError(CODES[index - 1] || 'InvalidOptions', this.str()) : failure(index);
  }
  num() {
    const n = this.view.getFloat64(this.at, true);
    this.at += 8;
    return n;
  }
  /** A number, or null for NaN. */
  opt() {
    const n = this.num();
    return n === n ? n : null;
  }
  str() {
    const len = this.view.getUint32(this.at, true);
    const start = this.at + 4;
    this.at = start + len;
    return utf8(memory().subarray(start, this.at));
  }
  /** A string, or undefined for the absent one (length 0xFFFFFFFF). */
  optStr() {
    if (this.view.getUint32(this.at, true) !== 0xffffffff) return this.str();
    this.at += 4;
    return undefined;
  }
  rest() {
    return memory().slice(this.at, this.end);
  }
}
let decoder;

/**
 * UTF-8 to a string. Most strings the core returns are ASCII (URIs, keys, codes, an SVG but its
 * title): those are read without a TextDecoder, whose first construction and use took ~0.35 ms of
 * a Node cold start.
 */
function utf8(bytes) {
  if (bytes.some((b) => b > 0x7f)) return (decoder ??= new TextDecoder()).decode(bytes);
  let text = '';
  // fromCharCode takes the bytes as arguments: in slices, far below any engine's limit.
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
  return text;
}

/** Builds a result from the record a call returned, then zeroes it: records carry secrets. */
function read(length, build) {
  try {
    return build(new Reader(length));
  } finally {
    memory().fill(0, io, io + length);
  }
}

/** Runs `call` (which writes its arguments, then calls a record-returning export), builds the
 * result from its record and zeroes the arguments, whatever happens. */
function record(call, build) {
  at = 0;
  try {
    return read(call(), build);
  } finally {
    wipeArgs();
  }
}

/** A hot call's number: negative is an error index. */
function checked(n) {
  if (n < 0) throw failure(-n);
  return n;
}

/** A `code` result (value * 16 + digit count) as zero-padded text. */
function unpackCode(packed) {
  const digits = packed % 16;
  return String((packed - digits) / 16).padStart(digits, '0');
}

/** A `match` result: 0 for none, else step * 32 + delta + 17. */
function unpackMatch(found) {
  if (found === 0) return { valid: false, delta: null, step: null };
  const packed = found - 1;
  const delta = (packed % 32) - 16;
  return { valid: true, delta, step: (packed - delta - 16) / 32 };
}

// Argument readers: JS types only. `undefined` and `null` are "absent".
function string(value, code, longCode = code) {
  if (typeof value !== 'string') fail(code);
  if (value.length > MAX_TEXT) fail(longCode);
  return value;
}
function optString(value, code, longCode) {
  return value == null ? undefined : string(value, code, longCode);
}
function number(value, code) {
  if (typeof value !== 'number' || value !== value) fail(code);
  return value;
}
function optNumber(value, code) {
  return value == null ? NaN : number(value, code);
}

const NO_OPTIONS = {};
/** An options object, or {} when absent; anything else is InvalidOptions. */
function options(value) {
  if (value == null) return NO_OPTIONS;
  let ok = false;
  try {
    ok = typeof value === 'object' && !Array.isArray(value);
  } catch {
    // A revoked Proxy throws from Array.isArray.
  }
  if (!ok) fail('InvalidOptions');
  return value;
}
/** Reads the named options; a getter that throws (or a revoked Proxy) is InvalidOptions. */
function pick(opts, keys) {
  if (opts === NO_OPTIONS) return NONE;
  try {
    return keys.map((k) => opts[k]);
  } catch {
    return fail('InvalidOptions');
  }
}
const NONE = [];

const DEFAULT_PARAMS = [1, NaN, NaN];
/** [alg, digits, period] from the options. */
function params(opts) {
  if (opts === NO_OPTIONS) return DEFAULT_PARAMS;
  const [a, d, p] = pick(opts, ['algorithm', 'digits', 'period']);
  return [algorithmId(a), optNumber(d, 'InvalidDigits'), optNumber(p, 'InvalidPeriod')];
}

// The CSPRNG for new secrets: the platform's `crypto.getRandomValues`, unless `initSync` was given
// another (the Node entry passes npm/node-random.js's: /dev/urandom, whose first read costs
// 0.26 ms where loading node:crypto or Web Crypto costs 3.5-5 ms of a cold start).
let fillRandom = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** 64 random bytes (the most the core uses for a secret); the caller zeroes them after the call. */
function randomBytes() {
  const bytes = new Uint8Array(64);
  try {
    fillRandom(bytes);
  } catch {
    fail('RandomUnavailable');
  }
  return bytes;
}

export function generateSecret(byteLength) {
  live('codes');
  const length = optNumber(byteLength, 'InvalidSecretLength');
  const random = randomBytes();
  try {
    return wire_generate_secret(length, random);
  } finally {
    random.fill(0);
  }
}

export function formatSecret(secret) {
  live('codes', 'qr');
  secret = string(secret, 'InvalidBase32', 'InvalidSecretLength');
  return wire_format_secret(secret);
}

export function parseOtpauthUri(uri) {
  live('qr');
  uri = string(uri, 'InvalidUri');
  const { kind, counter, secret, account, issuer, algorithm, digits, period } = wire_parse_uri(uri);
  const out = { type: kind };
  if (kind === 'hotp') out.counter = counter;
  out.secret = secret;
  out.account = account;
  if (issuer !== undefined) out.issuer = issuer;
  out.algorithm = algorithm;
  out.digits = digits;
  out.period = period;
  return out;
}

export function totpCode(secret, unixMs, opts) {
  live('codes');
  secret = string(secret, 'InvalidBase32', 'InvalidSecretLength');
  unixMs = number(unixMs, 'InvalidTime');
  const [alg, digits, period] = params(options(opts));
  return wire_totp_code(secret, unixMs, alg, digits, period);
}

export function hotpCode(secret, counter, opts) {
  live();
  secret = string(secret, 'InvalidBase32', 'InvalidSecretLength');
  counter = number(counter, 'InvalidCounter');
  const [alg, digits] = params(options(opts));
  return wire_hotp_code(secret, counter, alg, digits);
}

export function verifyTotp(secret, typed, unixMs, opts) {
  live('codes');
  secret = string(secret, 'InvalidBase32', 'InvalidSecretLength');
  const code = string(typed, 'InvalidCode');
  unixMs = number(unixMs, 'InvalidTime');
  const o = options(opts);
  const [w] = pick(o, ['window']);
  const window = optNumber(w, 'InvalidWindow');
  const [alg, digits, period] = params(o);
  return wire_verify_totp(secret, code, unixMs, window, alg, digits, period);
}

/** The SVG options: [ecc, quietZone, dark, light, title]. */
function svgArgs(opts) {
  const [ecc, quietZone, dark, light, title] = pick(options(opts), ['ecc', 'quietZone', 'dark', 'light', 'title']);
  return [
    optString(ecc, 'InvalidOptions'),
    optNumber(quietZone, 'InvalidOptions'),
    optString(dark, 'InvalidOptions'),
    optString(light, 'InvalidOptions'),
    optString(title, 'InvalidOptions'),
  ];
}

/** The QR of text as an SVG: the whole module's encoder when it is loaded, else ./qr.js's. */
function svg(text, ecc, quietZone, dark, light, title) {
  if (which === 'whole') return wire_render_qr_svg(text, ecc, quietZone, dark, light, title);
  return jsSvg(text, ecc, quietZone, dark, light, title);
}

/** Runs in JS before any module is loaded (./qr.js), and on the whole module's encoder once it is. */
export function renderQrSvg(value, opts) {
  const text = string(value, 'InvalidOptions', 'QrTooLong');
  const [ecc, quietZone, dark, light, title] = svgArgs(opts);
  return svg(text, ecc, quietZone, dark, light, title);
}

export function qrMatrix(value, opts) {
  const text = string(value, 'InvalidOptions', 'QrTooLong');
  const [e] = pick(options(opts), ['ecc']);
  const ecc = optString(e, 'InvalidOptions');
  if (which === 'whole') return wire_qr_matrix(text, ecc);
  return jsMatrix(text, ecc);
}

/**
 * Everything an enrollment screen shows, made of the parts with one owner each: the secret (the
 * core's, from the CSPRNG's bytes, or the given one read by ./uri.js as the core reads it), the
 * URI (./uri.js), the key's grouping (the core's), the QR (see svg) and the alt text, the core's
 * sentence (src/enroll.rs; tests/data/enrollment-cases.json holds the two to the same answers).
 * Errors come in the core's enroll() order: the types, the algorithm's name, the drawing
 * options, the secret, the parameters' ranges, the label.
 */
export function enrollment(p, svgOpts) {
  live('codes');
  if (p === null || typeof p !== 'object') fail('InvalidOptions');
  const [acc, iss, s, n, algorithm, d, per] = pick(options(p), ['account', 'issuer', 'secret', 'secretBytes', 'algorithm', 'digits', 'period']);
  if (acc == null) fail('InvalidLabel');
  const account = string(acc, 'InvalidLabel');
  const given = optString(s, 'InvalidBase32', 'InvalidSecretLength');
  const length = optNumber(n, 'InvalidSecretLength');
  const issuer = optString(iss, 'InvalidLabel');
  // The algorithm's name and the numbers' types before the drawing options and a new secret, as
  // the core orders its errors (./uri.js checks them again, after the secret).
  params(p);
  const [ecc, quietZone, dark, light, title] = svgArgs(svgOpts);
  svgOptions(ecc, quietZone, dark, light);
  let made;
  if (given === undefined) {
    const random = randomBytes();
    try {
      made = wire_generate_secret(length, random);
    } finally {
      random.fill(0);
    }
  }
  const { uri, secret, algorithm: name, digits, period } = otpauth({ secret: given ?? made, account, issuer, algorithm, digits: d, period: per });
  const altText = `QR code to add ${issuer ? `${issuer} (${account})` : account} to an authenticator app`;
  return {
    secret,
    uri,
    // Without a title, the alt text is the SVG's accessible name (as the core's enroll()).
    svg: svg(uri, ecc, quietZone, dark, light, title ?? altText),
    manualKey: wire_format_secret(secret),
    altText,
    // The parameters settled on (the core's defaults for the absent ones).
    params: { algorithm: name, digits, period },
  };
}

export function codePreview(secret, unixMs, opts) {
  live();
  secret = string(secret, 'InvalidBase32', 'InvalidSecretLength');
  unixMs = number(unixMs, 'InvalidTime');
  const o = options(opts);
  const [offset] = pick(o, ['offsetMs']);
  const offsetMs = optNumber(offset, 'InvalidTime');
  const [alg, digits, period] = params(o);
  return wire_code_preview(secret, unixMs, offsetMs, alg, digits, period);
}

export function diagnoseCode(secret, typed, unixMs, opts) {
  live();
  secret = string(secret, 'InvalidBase32', 'InvalidSecretLength');
  const code = string(typed, 'InvalidCode');
  unixMs = number(unixMs, 'InvalidTime');
  const o = options(opts);
  const [m] = pick(o, ['maxSteps']);
  const maxSteps = optNumber(m, 'InvalidOptions');
  const [alg, digits, period] = params(o);
  const { kind, stepDelta, offsetSeconds, suspect } = wire_diagnose_code(secret, code, unixMs, maxSteps, alg, digits, period);
  const out = { kind, stepDelta, offsetSeconds };
  if (suspect !== undefined) out.suspect = suspect;
  return out;
}

let loading = null;
/**
 * Loads the wasm: in a browser it fetches `totpkit_bg.wasm` next to this module unless given a
 * URL, a Response, bytes or a compiled module. Harmless once loaded (Node, Deno, Bun and Workers
 * load before the first line of the caller). Rejects with TotpkitError `NotInitialized` naming
 * what it tried when loading fails.
 */
export default async function init(input) {
  // One load at a time: a second call while one is under way (the elements' own, after a host's
  // `init(url)`) waits for it instead of fetching again from elsewhere; a smaller module's load is
  // waited for, then the whole module loaded over it if the page needs it. A host that names
  // what to load (a URL, bytes, a module) names the whole module, as before there were others.
  while (!(which === 'whole' || (which === 'codes' && wanted === 'codes' && input === undefined) || given)) await joinLoad(() => load(input));
}
// Whether the module loaded is one a host named (init(input)): used as it is, whichever it is.
let given = false;

/** Runs `start` as the one load under way, or joins the load already under way (for
 * ./qr-load.js: a QR module's load and the whole module's never run at once). */
export function joinLoad(start) {
  return (loading ||= start().finally(() => {
    loading = null;
  }));
}

/** Whether a module, the whole one or the QR module, is loaded (for ./qr-load.js). */
export const loadedAny = () => core !== null;

async function load(input) {
  const source = input && typeof input === 'object' && 'module_or_path' in input ? input.module_or_path : input;
  const whole = source !== undefined || wanted === 'whole';
  let exports;
  try {
    const { default: __wbg_init } = await (whole ? import('./glue.js') : import('./codes-glue.js'));
    exports = await __wbg_init({ module_or_path: source });
  } catch (e) {
    const where = source === undefined ? new URL(whole ? 'totpkit_bg.wasm' : 'totpkit_codes_bg.wasm', import.meta.url).href : describe(source);
    throw new TotpkitError('NotInitialized', `totpkit could not load its wasm from ${where}: ${e && e.message}`);
  }
  ready(exports);
  given = source !== undefined;
}

/** Whether the whole module is loaded (for ./init-sync.js). */
export const loaded = () => which === 'whole';

/** The CSPRNG new secrets are drawn from, given to `initSync` (for ./init-sync.js). */
export function useRandom(fill) {
  fillRandom = fill;
}

/** Makes `exports` the module calls go to (a smaller one's are replaced by the whole one's), and
 * tells which module they are by what they export: so bytes or a URL a host gave are used as
 * what they are. Not part of the public API: ./init-sync.js and ./qr-load.js call it. */
export function ready(exports) {
  core = exports;
  which = exports.diagnose_code ? 'whole' : exports.totp_code ? 'codes' : 'qr';
  mem = new Uint8Array(0);
  const region = wire_io();
  if (!region) {
    core = null;
    which = null;
    throw new TotpkitError('NotInitialized', 'totpkit could not reserve its memory');
  }
  io = region;
}

export function describe(source) {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (source && typeof source.url === 'string' && source.url) return source.url;
  return 'the given bytes or module';
}

// wire: generated by scripts/wire.mjs from wasm/wire.json; edit the declaration, then run `node scripts/wire.mjs`.
/** The address of the I/O region (reserving it on the first call), or 0 when memory is short. */
function wire_io() {
  return core.io();
}
/** The message of the error with this index, for the front's TotpkitError. */
function wire_error_message(index) {
  return read(core.error_message(index), (r) => r.str());
}
/** The TOTP code at unix_ms. */
function wire_totp_code(secret, unixMs, alg, digits, period) {
  at = 0;
  try {
    return unpackCode(checked(core.totp_code(put(secret), unixMs, alg, digits, period)));
  } finally {
    wipeArgs();
  }
}
/** The HOTP code for counter. */
function wire_hotp_code(secret, counter, alg, digits) {
  at = 0;
  try {
    return unpackCode(checked(core.hotp_code(put(secret), counter, alg, digits)));
  } finally {
    wipeArgs();
  }
}
/** The step a typed code matches within the window, if any. */
function wire_verify_totp(secret, code, unixMs, window, alg, digits, period) {
  at = 0;
  try {
    return unpackMatch(checked(core.verify_totp(put(secret), put(code), unixMs, window, alg, digits, period)));
  } finally {
    wipeArgs();
  }
}
/** A new base32 secret of length bytes (NaN: the default) taken from the random bytes the front drew. */
function wire_generate_secret(length, random) {
  return record(() => core.generate_secret(length, putBytes(random)), (r) => r.str());
}
/** The secret in groups of four. */
function wire_format_secret(secret) {
  return record(() => core.format_secret(put(secret)), (r) => r.str());
}
/** An otpauth URI's parts (counter: null for totp). A repeated parameter fails with a message naming it. */
function wire_parse_uri(uri) {
  return record(() => core.parse_uri(put(uri)), (r) => ({ kind: r.str(), counter: r.opt(), secret: r.str(), account: r.str(), issuer: r.optStr(), algorithm: r.str(), digits: r.num(), period: r.num() }));
}
/** The QR code of text as an SVG. */
function wire_render_qr_svg(text, ecc, quietZone, dark, light, title) {
  return record(() => core.render_qr_svg(put(text), putOpt(ecc), quietZone, putOpt(dark), putOpt(light), putOpt(title)), (r) => r.str());
}
/** The QR code of text as its size and size * size module bytes (1 = dark), row-major. */
function wire_qr_matrix(text, ecc) {
  return record(() => core.qr_matrix(put(text), putOpt(ecc)), (r) => ({ size: r.num(), modules: r.rest() }));
}
/** The code the user's app shows at unix_ms + offset_ms, the next one, and the time left. */
function wire_code_preview(secret, unixMs, offsetMs, alg, digits, period) {
  return record(() => core.code_preview(put(secret), unixMs, offsetMs, alg, digits, period), (r) => ({ code: r.str(), nextCode: r.str(), step: r.num(), secondsRemaining: r.num(), msRemaining: r.num(), period: r.num() }));
}
/** Why a typed code was refused. */
function wire_diagnose_code(secret, code, unixMs, maxSteps, alg, digits, period) {
  return record(() => core.diagnose_code(put(secret), put(code), unixMs, maxSteps, alg, digits, period), (r) => ({ kind: r.str(), stepDelta: r.opt(), offsetSeconds: r.opt(), suspect: r.optStr() }));
}
// end of wire
