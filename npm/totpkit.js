// totpkit's public API: the typed JS front over the wasm core.
//
// This module decides the JS side of the API and nothing else: argument types, option names,
// result objects and TotpkitError. Every rule (ranges, defaults, base32, URIs, codes, QR, clock
// math, diagnosis) lives in the Rust core, reached through the numeric exports of wasm/src/api.rs
// (their calling convention is documented there): string arguments are written as UTF-8 into the
// module's I/O region, results are read from it and then zeroed. Absent options travel as NaN or
// length -1, so the core applies its own defaults; a NaN from the caller is refused here.
//
// Loading: browsers and bundlers call `await init()` (or `initSync`); the Node, Deno and Bun
// entry (node.js) and the Workers entry (workerd.js) initialize before the caller's first line.
import __wbg_init, { initSync as instantiate } from './glue.js';

const CODES = [
  'InvalidBase32', 'InvalidSecretLength', 'InvalidUri', 'UnsupportedOtpType', 'MissingSecret',
  'InvalidLabel', 'UnsupportedAlgorithm', 'InvalidDigits', 'InvalidPeriod', 'InvalidCounter',
  'InvalidTime', 'InvalidWindow', 'InvalidCode', 'QrTooLong', 'InvalidOptions', 'InvalidSample',
  'InvalidDate', 'ClockCheckFailed', 'RandomUnavailable', 'InvalidRecord',
];
const NOT_INITIALIZED =
  'totpkit is not initialized: call `await init()` (or `initSync({ module })`) first';

// The longest string any argument may be: far above any real secret, URI or QR text, and small
// enough that copying it into the module is cheap. Longer input fails with the argument's code.
const MAX_TEXT = 65_536;
// Most clock samples read from an array: the core's own limit (clock::MAX_SAMPLES, which refuses
// more), repeated here only so that a huge sparse array is refused before it is walked.
const MAX_SAMPLES = 10_000;

// Marks every TotpkitError, so `instanceof` holds across copies of the package (a bundle with two
// versions, or a CommonJS dependency beside an ESM app).
const BRAND = Symbol.for('totpkit.TotpkitError');

/** The error every totpkit function throws (or rejects with). */
export class TotpkitError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'TotpkitError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
  static [Symbol.hasInstance](value) {
    return value != null && value[BRAND] === true;
  }
}

// The wasm exports, the address of the I/O region, a byte view of memory (replaced when memory
// grows), and the write position for the current call's arguments.
let core = null;
let io = 0;
let mem = new Uint8Array(0);
let at = 0;

/** Throws NotInitialized before init. */
function live() {
  if (!core) throw new TotpkitError('NotInitialized', NOT_INITIALIZED);
}

/** Zeroes the arguments the current call wrote (the core zeroes what it read, too). */
function wipeArgs() {
  memory().fill(0, io, io + at);
  at = 0;
}

/** Writes `strings` (undefined: absent) as the call's arguments, runs `call` with their byte
 * lengths and zeroes them afterwards. */
function withArgs(strings, call) {
  at = 0;
  try {
    return call(...strings.map(putOpt));
  } finally {
    wipeArgs();
  }
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
function putBytes(bytes) {
  memory().set(bytes, io + at);
  at += bytes.length;
  return bytes.length;
}

/** The error with this 1-based index; its message comes from the core. */
function failure(index) {
  const code = CODES[index - 1] || 'InvalidOptions';
  let message = code;
  try {
    message = read(core.error_message(index), (r) => r.str());
  } catch {
    // Keep the code as the message rather than hide the real error.
  }
  return new TotpkitError(code, message);
}

function fail(code) {
  throw failure(CODES.indexOf(code) + 1);
}

/** Reads a result record (wasm/src/record.rs) at the start of the I/O region; callers zero it
 * afterwards (`read`). A failed call's record throws its TotpkitError, with the record's own
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
    return decoder.decode(memory().subarray(start, this.at));
  }
  rest() {
    return memory().slice(this.at, this.end);
  }
}
const decoder = new TextDecoder();

/** Builds a result from the record a call returned, then zeroes it: records carry secrets. */
function read(length, build) {
  try {
    return build(new Reader(length));
  } finally {
    memory().fill(0, io, io + length);
  }
}

/** A hot call's number: negative is an error index. */
function checked(n) {
  if (n < 0) throw failure(-n);
  return n;
}

// Argument readers: JS types only. `undefined` and `null` are "absent".
function text(value, code, longCode = code) {
  if (typeof value !== 'string') fail(code);
  if (value.length > MAX_TEXT) fail(longCode);
  return value;
}
function optText(value, code, longCode) {
  return value == null ? undefined : text(value, code, longCode);
}
function num(value, code) {
  if (typeof value !== 'number' || value !== value) fail(code);
  return value;
}
function optNum(value, code) {
  return value == null ? NaN : num(value, code);
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

const algorithmIds = new Map();
/** The core's id for an algorithm name (0: absent), cached for the hot calls. */
function algorithm(value) {
  if (value == null) return 0;
  let id = algorithmIds.get(value);
  if (id === undefined) {
    const name = text(value, 'UnsupportedAlgorithm');
    id = checked(withArgs([name], (len) => core.algorithm_id(len)));
    if (algorithmIds.size < 32) algorithmIds.set(value, id);
  }
  return id;
}
const DEFAULT_PARAMS = [0, NaN, NaN];
function params(opts) {
  if (opts === NO_OPTIONS) return DEFAULT_PARAMS;
  const [a, d, p] = pick(opts, ['algorithm', 'digits', 'period']);
  return [algorithm(a), optNum(d, 'InvalidDigits'), optNum(p, 'InvalidPeriod')];
}

// The CSPRNG for new secrets: the platform's `crypto.getRandomValues`, unless `initSync` was given
// another (the Node entry passes node:crypto's randomFillSync, whose first call is ~5 ms
// cheaper than initializing Web Crypto).
let fillRandom = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** Writes 64 random bytes (the most the core uses for a secret) as the next argument. */
function putRandom() {
  const bytes = new Uint8Array(64);
  try {
    fillRandom(bytes);
  } catch {
    fail('RandomUnavailable');
  }
  try {
    return putBytes(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** A packed code (value * 16 + digits) as zero-padded text. */
function code(packed) {
  const digits = packed % 16;
  return String((packed - digits) / 16).padStart(digits, '0');
}

export function generateSecret(byteLength) {
  live();
  const len = optNum(byteLength, 'InvalidSecretLength');
  return withArgs([], () => read(core.generate_secret(len, putRandom()), (r) => r.str()));
}

export function formatSecret(secret) {
  live();
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  return withArgs([s], (len) => read(core.format_secret(len), (r) => r.str()));
}

export function buildOtpauthUri(p) {
  live();
  if (p === null || typeof p !== 'object') fail('InvalidOptions');
  const [secret, account, issuer, type, counter] = pick(options(p), ['secret', 'account', 'issuer', 'type', 'counter']);
  if (secret == null) fail('MissingSecret');
  if (account == null) fail('InvalidLabel');
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  const acc = text(account, 'InvalidLabel');
  const iss = optText(issuer, 'InvalidLabel');
  const t = optText(type, 'UnsupportedOtpType');
  const c = optNum(counter, 'InvalidCounter');
  const [a, d, per] = params(p);
  return withArgs([s, acc, iss, t], (...lens) => read(core.build_uri(...lens, c, a, d, per), (r) => r.str()));
}

export function parseOtpauthUri(uri) {
  live();
  const u = text(uri, 'InvalidUri');
  return withArgs([u], (len) =>
    read(core.parse_uri(len), (r) => {
      const type = r.str();
      const counter = r.opt();
      const out = { type };
      if (type === 'hotp') out.counter = counter;
      out.secret = r.str();
      out.account = r.str();
      const hasIssuer = r.num() === 1;
      const issuer = r.str();
      if (hasIssuer) out.issuer = issuer;
      out.algorithm = r.str();
      out.digits = r.num();
      out.period = r.num();
      return out;
    }),
  );
}

export function totpCode(secret, unixMs, opts) {
  live();
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  const t = num(unixMs, 'InvalidTime');
  const [a, d, p] = params(options(opts));
  at = 0;
  try {
    return code(checked(core.totp_code(put(s), t, a, d, p)));
  } finally {
    wipeArgs();
  }
}

export function hotpCode(secret, counter, opts) {
  live();
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  const c = num(counter, 'InvalidCounter');
  const [a, d] = params(options(opts));
  at = 0;
  try {
    return code(checked(core.hotp_code(put(s), c, a, d)));
  } finally {
    wipeArgs();
  }
}

export function verifyTotp(secret, typed, unixMs, opts) {
  live();
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  const c = text(typed, 'InvalidCode');
  const t = num(unixMs, 'InvalidTime');
  const o = options(opts);
  const [w] = pick(o, ['window']);
  const window = optNum(w, 'InvalidWindow');
  const [a, d, p] = params(o);
  at = 0;
  let found;
  try {
    found = checked(core.verify_totp(put(s), put(c), t, window, a, d, p));
  } finally {
    wipeArgs();
  }
  if (found === 0) return { valid: false, delta: null, step: null };
  const packed = found - 1;
  const delta = (packed % 32) - 16;
  return { valid: true, delta, step: (packed - delta - 16) / 32 };
}

export function normalizeCode(typed, digits) {
  live();
  const c = text(typed, 'InvalidCode');
  const d = optNum(digits, 'InvalidDigits');
  at = 0;
  try {
    return code(checked(core.normalize_code(put(c), d)));
  } finally {
    wipeArgs();
  }
}

/** The SVG options: [ecc, quietZone, dark, light, title]. */
function svgArgs(opts) {
  const [ecc, quietZone, dark, light, title] = pick(options(opts), ['ecc', 'quietZone', 'dark', 'light', 'title']);
  return [
    optText(ecc, 'InvalidOptions'),
    optNum(quietZone, 'InvalidOptions'),
    optText(dark, 'InvalidOptions'),
    optText(light, 'InvalidOptions'),
    optText(title, 'InvalidOptions'),
  ];
}

export function renderQrSvg(value, opts) {
  live();
  const t = text(value, 'InvalidOptions', 'QrTooLong');
  const [ecc, quiet, dark, light, title] = svgArgs(opts);
  return withArgs([t, ecc, dark, light, title], (tl, el, dl, ll, til) =>
    read(core.render_qr_svg(tl, el, quiet, dl, ll, til), (r) => r.str()),
  );
}

export function qrMatrix(value, opts) {
  live();
  const t = text(value, 'InvalidOptions', 'QrTooLong');
  const [ecc] = pick(options(opts), ['ecc']);
  const e = optText(ecc, 'InvalidOptions');
  return withArgs([t, e], (tl, el) => read(core.qr_matrix(tl, el), (r) => ({ size: r.num(), modules: r.rest() })));
}

export function enrollment(p, svgOpts) {
  live();
  if (p === null || typeof p !== 'object') fail('InvalidOptions');
  const [account, issuer, secret, secretBytes] = pick(options(p), ['account', 'issuer', 'secret', 'secretBytes']);
  if (account == null) fail('InvalidLabel');
  const acc = text(account, 'InvalidLabel');
  const s = optText(secret, 'InvalidBase32', 'InvalidSecretLength');
  const n = optNum(secretBytes, 'InvalidSecretLength');
  const iss = optText(issuer, 'InvalidLabel');
  const [a, d, per] = params(p);
  const [ecc, quiet, dark, light, title] = svgArgs(svgOpts);
  // In the order the core reads them: account, issuer, secret, random bytes, ecc, dark, light, title.
  return withArgs([acc, iss, s], (al, il, sl) => {
    const rl = s === undefined ? putRandom() : -1;
    const [el, dl, ll, tl] = [ecc, dark, light, title].map(putOpt);
    return read(core.enrollment(al, il, sl, n, rl, a, d, per, el, quiet, dl, ll, tl), (r) => ({
      secret: r.str(),
      uri: r.str(),
      svg: r.str(),
      manualKey: r.str(),
      altText: r.str(),
      params: { algorithm: r.str(), digits: r.num(), period: r.num() },
    }));
  });
}

function thresholds(opts) {
  const [ok, minor, warn, maxError] = pick(opts, ['okMs', 'minorMs', 'warnMs', 'maxErrorMs']);
  return [ok, minor, warn, maxError].map((v) => optNum(v, 'InvalidOptions'));
}

/** The estimate from samples (four numbers each: sent, received, server, resolution). */
function estimateFrom(samples, limits) {
  return withArgs([], () => {
    putBytes(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    return read(core.estimate_clock_offset(samples.length / 4, ...limits), (r) => ({
      offsetMs: r.num(),
      errorMs: r.num(),
      rttMs: r.num(),
      sampleIndex: r.num(),
      status: r.str(),
    }));
  });
}

export function estimateClockOffset(samples, opts) {
  live();
  let list;
  try {
    if (!Array.isArray(samples)) fail('InvalidSample');
    const n = samples.length;
    if (!(n >= 0 && n <= MAX_SAMPLES)) fail('InvalidSample');
    list = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      const s = samples[i];
      if (s === null || typeof s !== 'object') fail('InvalidSample');
      list[i * 4] = num(s.sentMs, 'InvalidSample');
      list[i * 4 + 1] = num(s.receivedMs, 'InvalidSample');
      list[i * 4 + 2] = num(s.serverMs, 'InvalidSample');
      list[i * 4 + 3] = optNum(s.resolutionMs, 'InvalidSample');
    }
  } catch (e) {
    // A revoked Proxy or a throwing getter, as well as our own refusals.
    throw e instanceof TotpkitError ? e : failure(CODES.indexOf('InvalidSample') + 1);
  }
  return estimateFrom(list, thresholds(options(opts)));
}

export function parseHttpDate(value) {
  live();
  const v = text(value, 'InvalidDate');
  return withArgs([v], (len) => read(core.parse_http_date(len), (r) => r.num()));
}

export function checkClock(url, opts) {
  let plan;
  try {
    live();
    const o = options(opts);
    const [samples, timeoutMs] = pick(o, ['samples', 'timeoutMs']);
    const limits = thresholds(o);
    const target = text(url, 'InvalidOptions');
    plan = read(
      core.check_clock_options(optNum(samples, 'InvalidOptions'), optNum(timeoutMs, 'InvalidOptions'), ...limits),
      (r) => ({ target, count: r.num(), timeoutMs: r.num(), limits }),
    );
  } catch (e) {
    return Promise.reject(e);
  }
  return measureClock(plan);
}

// The one place totpkit touches the network: `count` sequential, timed, same-origin requests.
// Each round trip is timed with performance.now() (monotonic), so a wall-clock jump during a
// request cannot corrupt it; receivedMs is sentMs plus that interval. The server's time is the
// JSON body's `now` (1 ms resolution) or else the Date header (1 s, parsed by the core).
async function measureClock({ target, count, timeoutMs, limits }) {
  // In a page, a URL that does not parse or leaves the page's origin is refused. Without a page
  // (Node, workers without location) fetch decides, and failures are skipped.
  const page = globalThis.location;
  if (page) {
    let parsed;
    try {
      parsed = new URL(target, page.href);
    } catch {
      fail('InvalidOptions');
    }
    if (parsed.origin !== page.origin) fail('InvalidOptions');
  }
  const samples = [];
  for (let i = 0; i < count; i++) {
    const s = await clockSample(target, timeoutMs);
    if (s) samples.push(...s);
  }
  if (samples.length === 0) fail('ClockCheckFailed');
  return { ...estimateFrom(new Float64Array(samples), limits), samples: samples.length / 4 };
}

async function clockSample(url, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const sentMs = Date.now();
    const start = performance.now();
    const res = await fetch(url, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal: controller.signal,
    });
    const receivedMs = sentMs + (performance.now() - start);
    // An error answer (404, 500) means the URL is wrong: better to fail than to trust it.
    if (!res.ok) return null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try {
        const body = await res.json();
        if (body && typeof body.now === 'number' && Number.isFinite(body.now)) return [sentMs, receivedMs, body.now, 1];
      } catch {
        // Not JSON after all: fall back to the Date header.
      }
    }
    const date = res.headers.get('date');
    if (!date || date.length > MAX_TEXT) return null;
    let server;
    try {
      server = parseHttpDate(date);
    } catch {
      return null;
    }
    return [sentMs, receivedMs, server, 1000];
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export function codePreview(secret, unixMs, opts) {
  live();
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  const t = num(unixMs, 'InvalidTime');
  const o = options(opts);
  const [offset] = pick(o, ['offsetMs']);
  const off = optNum(offset, 'InvalidTime');
  const [a, d, p] = params(o);
  return withArgs([s], (len) =>
    read(core.code_preview(len, t, off, a, d, p), (r) => ({
      code: r.str(),
      nextCode: r.str(),
      step: r.num(),
      secondsRemaining: r.num(),
      msRemaining: r.num(),
      period: r.num(),
    })),
  );
}

export function diagnoseCode(secret, typed, unixMs, opts) {
  live();
  const s = text(secret, 'InvalidBase32', 'InvalidSecretLength');
  const c = text(typed, 'InvalidCode');
  const t = num(unixMs, 'InvalidTime');
  const o = options(opts);
  const [maxSteps] = pick(o, ['maxSteps']);
  const m = optNum(maxSteps, 'InvalidOptions');
  const [a, d, p] = params(o);
  return withArgs([s, c], (sl, cl) =>
    read(core.diagnose_code(sl, cl, t, m, a, d, p), (r) => {
      const out = { kind: r.str(), stepDelta: r.opt(), offsetSeconds: r.opt() };
      const suspect = r.str();
      if (suspect) out.suspect = suspect;
      return out;
    }),
  );
}

/**
 * Loads the wasm: in a browser it fetches `totpkit_bg.wasm` next to this module unless given a
 * URL, a Response, bytes or a compiled module. Harmless once loaded (Node, Deno, Bun and Workers
 * load before the first line of the caller). Rejects with TotpkitError `NotInitialized` naming
 * what it tried when loading fails.
 */
export default async function init(input) {
  if (core) return;
  const source = input && typeof input === 'object' && 'module_or_path' in input ? input.module_or_path : input;
  let exports;
  try {
    exports = await __wbg_init({ module_or_path: source });
  } catch (e) {
    const where = source === undefined ? new URL('totpkit_bg.wasm', import.meta.url).href : describe(source);
    throw new TotpkitError('NotInitialized', `totpkit could not load its wasm from ${where}: ${e && e.message}`);
  }
  ready(exports);
}

/** Loads the wasm from bytes or a compiled `WebAssembly.Module`, synchronously; `{ module,
 * random }` may also name the CSPRNG that fills a Uint8Array for new secrets. */
export function initSync(input) {
  if (core) return;
  const module = input && typeof input === 'object' && 'module' in input ? input.module : input;
  if (input && typeof input.random === 'function') fillRandom = input.random;
  let exports;
  try {
    exports = instantiate({ module });
  } catch (e) {
    throw new TotpkitError('NotInitialized', `totpkit could not instantiate its wasm from ${describe(module)}: ${e && e.message}`);
  }
  ready(exports);
}

function ready(exports) {
  const region = exports.io();
  if (!region) throw new TotpkitError('NotInitialized', 'totpkit could not reserve its memory');
  io = region;
  core = exports;
}

function describe(source) {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (source && typeof source.url === 'string' && source.url) return source.url;
  return 'the given bytes or module';
}
