// The hostile-input table and its runner, shared by tests/node/hostile.test.mjs (Node, initSync)
// and tests/e2e/hostile.spec.mjs (headless Chromium, served over HTTP). Plain ES module with no
// imports, so a page can load it as is.
//
// For every exported function, every argument position receives every hostile value (NaN,
// ±Infinity, -1, 2^53, 1e300, empty and 1 MB strings, lone surrogates and other unicode, null,
// undefined, numbers where strings belong, arrays where objects belong, Proxies, throwing and
// re-entrant getters, …), and every field of every options object receives a shorter list, or
// goes missing, or gains company. After each call:
//   (a) it returned a valid result (checked per function) or threw / rejected with an Error whose
//       name is "TotpkitError", whose code is documented, and whose message echoes no input;
//   (b) the module still works: totpCode(VECTOR) is still '94287082'.

export const CODES = [
  'InvalidBase32', 'InvalidSecretLength', 'InvalidUri', 'UnsupportedOtpType', 'MissingSecret',
  'InvalidLabel', 'UnsupportedAlgorithm', 'InvalidDigits', 'InvalidPeriod', 'InvalidCounter',
  'InvalidTime', 'InvalidWindow', 'InvalidCode', 'QrTooLong', 'InvalidOptions', 'InvalidSample',
  'InvalidDate', 'ClockCheckFailed', 'RandomUnavailable',
];

const S = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 6238's SHA1 seed
const URI = 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30';
const MB = 1 << 20;

/** The module still computes RFC 6238's first SHA1 vector. */
export function stillWorks(api) {
  try {
    const code = api.totpCode(S, 59_000, { digits: 8 });
    return code === '94287082' ? true : `totpCode gave ${code}`;
  } catch (e) {
    return `totpCode threw ${e && e.name}: ${e && e.message}`;
  }
}

// ---- hostile values ------------------------------------------------------------------------

function revokedProxy() {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const throwingTraps = () =>
  new Proxy({}, {
    get() { throw new Error('get trap'); },
    has() { throw new Error('has trap'); },
    ownKeys() { throw new Error('ownKeys trap'); },
    getPrototypeOf() { throw new Error('getPrototypeOf trap'); },
  });

/** Values for every argument position: [label, value]. Built once per run. */
export function positionValues(api) {
  const big = 'A'.repeat(MB);
  return [
    ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-1', -1], ['-0', -0],
    ['0', 0], ['0.5', 0.5], ['2^53', 2 ** 53], ['2^53+2', 2 ** 53 + 2], ['-2^53', -(2 ** 53)],
    ['1e300', 1e300], ['-1e300', -1e300], ['MAX_VALUE', Number.MAX_VALUE], ['MIN_VALUE', Number.MIN_VALUE],
    ['2^32', 2 ** 32], ['2^31-1', 2 ** 31 - 1], ['59000 (number for a string)', 59_000],
    ['empty string', ''], ['space', ' '], ['1 MB ASCII', big], ['1 MB digits', '7'.repeat(MB)],
    ['1 MB multibyte + lone surrogate', 'é🔐'.repeat(MB / 4) + '\uD800'],
    ['lone high surrogate', '\uD800'], ['lone low surrogate', '\uDFFF'], ['surrogates inside', 'JBSW\uDC00Y3DP\uD800EHPK3PXP'],
    ['NUL', '\u0000'], ['U+FFFF', '\uFFFF'], ['U+FFFE', '\uFFFE'], ['RTL override', '\u202Ealice'],
    ['fullwidth digits', '１２３４５６'], ['emoji', '🔐🔑'], ['combining', 'e\u0301'],
    ['markup', '"/><script>alert(1)</script>'], ['percent junk', '%zz%ff%'],
    ['secret string', S], ['code string', '94287082'], ['otpauth URI', URI],
    ['HTTP date', 'Sun, 06 Nov 1994 08:49:37 GMT'], ['bad URL', 'http://['], ['numeric string', '59000'],
    ['null', null], ['undefined', undefined], ['true', true], ['false', false],
    ['BigInt', 59_000n], ['Symbol', Symbol('hostile')], ['function', () => S],
    ['Date', new Date(59_000)], ['RegExp', /x/], ['Uint8Array', new Uint8Array(8)], ['ArrayBuffer', new ArrayBuffer(8)],
    ['boxed String', new String(S)], ['boxed Number', new Number(59_000)], ['Promise', Promise.resolve(S)],
    ['empty array', []], ['array', [S, 59_000]], ['array of object', [{ digits: 8 }]],
    ['empty object', {}], ['toString object', { toString: () => S, valueOf: () => 59_000 }],
    ['throwing toString', { toString() { throw new Error('toString'); }, valueOf() { throw new Error('valueOf'); } }],
    ['null-prototype object', Object.create(null)], ['frozen object', Object.freeze({ digits: 8 })],
    ['Proxy with throwing traps', throwingTraps()], ['revoked Proxy', revokedProxy()],
    ['getter that throws', { get digits() { throw new Error('getter'); }, get secret() { throw new Error('getter'); } }],
    ['re-entrant getter', { get digits() { api.totpCode(S, 1, {}); return 8; } }],
  ];
}

/** A shorter list for fields of options objects and samples. */
export function fieldValues(api) {
  return [
    ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-1', -1], ['0', 0], ['0.5', 0.5],
    ['2^53', 2 ** 53], ['1e300', 1e300], ['empty string', ''], ['1 MB string', 'A'.repeat(MB)],
    ['lone surrogate', '\uD800'], ['numeric string', '8'], ['markup', '"/><script>alert(1)</script>'],
    ['null', null], ['undefined', undefined], ['true', true], ['array', [8]], ['object', { value: 8 }],
    ['BigInt', 8n], ['Symbol', Symbol('f')], ['function', () => 8], ['revoked Proxy', revokedProxy()],
    ['re-entrant object', { get value() { return api.totpCode(S, 1, {}); } }],
  ];
}

// ---- result checks -------------------------------------------------------------------------

const isInt = (n, lo, hi) => Number.isInteger(n) && n >= lo && n <= hi;
const isCode = (c) => typeof c === 'string' && /^[0-9]{6,8}$/.test(c);
const isB32 = (s) => typeof s === 'string' && /^[A-Z2-7]+$/.test(s);
const isSvg = (s) =>
  typeof s === 'string' && s.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ') &&
  s.endsWith('</svg>') && !/<script|on[a-z]+=|href|url\(/i.test(s) && (s.match(/</g) || []).length <= 6;
const ALGS = ['SHA1', 'SHA256', 'SHA512'];
const isParams = (p) => p && ALGS.includes(p.algorithm) && isInt(p.digits, 6, 8) && isInt(p.period, 1, 3600);
const isEstimate = (e) =>
  e && Number.isFinite(e.offsetMs) && Number.isFinite(e.errorMs) && e.errorMs >= 0 && Number.isFinite(e.rttMs) &&
  e.rttMs >= 0 && Number.isInteger(e.sampleIndex) && ['ok', 'minor', 'warn', 'critical', 'unknown'].includes(e.status);
const nullOrInt = (v) => v === null || Number.isSafeInteger(v);

const why = (ok, what) => (ok ? null : what);

// ---- the exported functions: valid arguments, which positions hold objects, result checks ---

export const FUNCTIONS = {
  generateSecret: {
    args: [20],
    check: (s) => why(isB32(s) && s.length >= 26 && s.length <= 103, 'not a 16–64 byte base32 secret'),
  },
  formatSecret: {
    args: [S],
    check: (s) => why(typeof s === 'string' && /^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/.test(s), 'not grouped base32'),
  },
  buildOtpauthUri: {
    args: [{ secret: S, account: 'alice@example.com', issuer: 'ACME Co', algorithm: 'SHA1', digits: 6, period: 30 }],
    fields: { 0: ['secret', 'account', 'issuer', 'algorithm', 'digits', 'period', 'type', 'counter'] },
    check: (u) => why(typeof u === 'string' && /^otpauth:\/\/(totp|hotp)\/[\x21-\x7e]+$/.test(u), 'not an ASCII otpauth URI'),
  },
  parseOtpauthUri: {
    args: [URI],
    check: (p) => why(p && ['totp', 'hotp'].includes(p.type) && isB32(p.secret) && typeof p.account === 'string' &&
      isParams(p) && (p.type === 'totp' || isInt(p.counter, 0, 2 ** 53 - 1)), 'not a parsed key'),
  },
  totpCode: {
    args: [S, 59_000, { digits: 8 }],
    fields: { 2: ['algorithm', 'digits', 'period'] },
    check: (c) => why(isCode(c), 'not a code'),
  },
  hotpCode: {
    args: [S, 1, { algorithm: 'SHA1', digits: 6 }],
    fields: { 2: ['algorithm', 'digits'] },
    check: (c) => why(isCode(c), 'not a code'),
  },
  verifyTotp: {
    args: [S, '94287082', 59_000, { digits: 8, window: 1 }],
    fields: { 3: ['window', 'algorithm', 'digits', 'period'] },
    check: (v) => why(v && typeof v.valid === 'boolean' && nullOrInt(v.delta) && nullOrInt(v.step) &&
      (v.valid === (v.delta !== null)) && (v.delta === null || Math.abs(v.delta) <= 10), 'not a verify result'),
  },
  normalizeCode: {
    args: ['１２３ ４５６', 6],
    check: (c) => why(typeof c === 'string' && /^[0-9]{6,8}$/.test(c), 'not ASCII digits'),
  },
  renderQrSvg: {
    args: ['otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', { ecc: 'M', quietZone: 4, dark: '#000', light: '#fff', title: 'QR' }],
    fields: { 1: ['ecc', 'quietZone', 'dark', 'light', 'title'] },
    check: (s) => why(isSvg(s), 'not a safe SVG'),
  },
  qrMatrix: {
    args: ['hello', { ecc: 'L' }],
    fields: { 1: ['ecc'] },
    check: (m) => why(m && isInt(m.size, 21, 177) && m.modules instanceof Uint8Array &&
      m.modules.length === m.size * m.size && m.modules.every((b) => b === 0 || b === 1), 'not a matrix'),
  },
  enrollment: {
    args: [
      { account: 'alice@example.com', issuer: 'ACME Co', secret: S, algorithm: 'SHA256', digits: 8, period: 60 },
      { ecc: 'M', quietZone: 4, title: 'QR' },
    ],
    fields: {
      0: ['account', 'issuer', 'secret', 'secretBytes', 'algorithm', 'digits', 'period'],
      1: ['ecc', 'quietZone', 'dark', 'light', 'title'],
    },
    check: (e) => why(e && isB32(e.secret) && typeof e.uri === 'string' && e.uri.startsWith('otpauth://totp/') &&
      isSvg(e.svg) && e.manualKey.replace(/ /g, '') === e.secret && typeof e.altText === 'string' &&
      !e.altText.includes(e.secret) && isParams(e.params), 'not an enrollment'),
  },
  estimateClockOffset: {
    args: [
      [{ sentMs: 1e12, receivedMs: 1e12 + 80, serverMs: 1e12 + 40 + 120_000, resolutionMs: 1 }],
      { okMs: 2000, minorMs: 15_000, warnMs: 30_000, maxErrorMs: 5000 },
    ],
    fields: { 1: ['okMs', 'minorMs', 'warnMs', 'maxErrorMs'] },
    sampleFields: ['sentMs', 'receivedMs', 'serverMs', 'resolutionMs'],
    check: (e) => why(isEstimate(e), 'not an estimate'),
  },
  parseHttpDate: {
    args: ['Sun, 06 Nov 1994 08:49:37 GMT'],
    check: (ms) => why(Number.isFinite(ms) && ms >= 0 && ms % 1000 === 0, 'not a date'),
  },
  checkClock: {
    async: true,
    // A URL that fails fast everywhere: Node's fetch refuses a relative URL, a browser gets 404.
    args: ['/nowhere', { samples: 1, timeoutMs: 1000 }],
    baseError: 'ClockCheckFailed',
    fields: { 1: ['samples', 'timeoutMs', 'okMs', 'minorMs', 'warnMs', 'maxErrorMs'] },
    check: (e) => why(isEstimate(e) && isInt(e.samples, 1, 20), 'not a clock estimate'),
  },
  codePreview: {
    args: [S, 59_000, { offsetMs: 0, digits: 8 }],
    fields: { 2: ['offsetMs', 'algorithm', 'digits', 'period'] },
    check: (p) => why(p && isCode(p.code) && isCode(p.nextCode) && Number.isSafeInteger(p.step) &&
      isInt(p.period, 1, 3600) && isInt(p.secondsRemaining, 1, p.period) && isInt(p.msRemaining, 1, p.period * 1000), 'not a preview'),
  },
  diagnoseCode: {
    args: [S, '94287082', 59_000, { maxSteps: 10, digits: 8 }],
    fields: { 3: ['maxSteps', 'algorithm', 'digits', 'period'] },
    check: (d) => why(d && ['current', 'adjacent', 'drift', 'wrongSettings', 'none', 'ambiguous'].includes(d.kind) &&
      nullOrInt(d.stepDelta) && nullOrInt(d.offsetSeconds) &&
      (d.suspect === undefined || ['algorithm', 'digits', 'period'].includes(d.suspect)), 'not a diagnosis'),
  },
};

// ---- the cases -----------------------------------------------------------------------------

/** Every hostile call of `name`: { label, args }. */
export function* cases(name, api) {
  const spec = FUNCTIONS[name];
  const base = spec.args;
  const with_ = (i, v) => base.map((a, j) => (j === i ? v : a));
  yield { label: 'valid arguments', args: base, mustSucceed: !spec.baseError, mustFailWith: spec.baseError };
  yield { label: 'no arguments', args: [] };
  yield { label: 'extra arguments', args: [...base, revokedProxy(), 'A'.repeat(MB), NaN] };
  const positions = Math.max(base.length, 1);
  const values = positionValues(api);
  for (let i = 0; i < positions; i++) {
    for (const [label, v] of values) yield { label: `arg${i} = ${label}`, args: with_(i, v) };
  }
  const fieldVals = fieldValues(api);
  for (const [pos, keys] of Object.entries(spec.fields || {})) {
    const i = Number(pos);
    const obj = base[i];
    for (const key of keys) {
      for (const [label, v] of fieldVals) yield { label: `arg${i}.${key} = ${label}`, args: with_(i, { ...obj, [key]: v }) };
      const { [key]: _, ...missing } = obj;
      yield { label: `arg${i} without ${key}`, args: with_(i, missing) };
      yield { label: `arg${i}.${key} = throwing getter`, args: with_(i, Object.defineProperty({ ...obj }, key, { get() { throw new Error('getter'); }, enumerable: true })) };
      yield { label: `arg${i}.${key} only on the prototype`, args: with_(i, Object.create({ [key]: obj[key] ?? 8 })) };
    }
    yield { label: `arg${i} with extra fields`, args: with_(i, { ...obj, extra: 1, __proto__: { digits: 99 }, constructor: 'x', [Symbol('s')]: 1 }) };
    yield { label: `arg${i} as an array of itself`, args: with_(i, [obj]) };
    yield { label: `arg${i} as an array of its values`, args: with_(i, Object.values(obj)) };
    yield { label: `arg${i} as a Map`, args: with_(i, new Map(Object.entries(obj))) };
    yield { label: `arg${i} as a Proxy that forwards`, args: with_(i, new Proxy(obj, {})) };
  }
  if (spec.sampleFields) {
    const sample = base[0][0];
    const list = (...s) => with_(0, s);
    for (const key of spec.sampleFields) {
      for (const [label, v] of fieldVals) yield { label: `sample.${key} = ${label}`, args: list(sample, { ...sample, [key]: v }) };
      const { [key]: _, ...missing } = sample;
      yield { label: `sample without ${key}`, args: list(missing) };
    }
    for (const [label, v] of positionValues(api)) yield { label: `sample = ${label}`, args: list(sample, v) };
    yield { label: 'samples as an object', args: with_(0, { 0: sample, length: 1 }) };
    yield { label: 'sparse samples', args: with_(0, [, sample]) }; // eslint-disable-line no-sparse-arrays
    yield { label: '10 000 samples', args: with_(0, Array.from({ length: 10_000 }, (_, k) => ({ ...sample, receivedMs: sample.receivedMs + k }))) };
    yield { label: 'samples array with a throwing element getter', args: with_(0, Object.defineProperty([sample], 1, { get() { throw new Error('element'); }, enumerable: true })) };
    const iter = [sample];
    iter[Symbol.iterator] = () => { throw new Error('iterator'); };
    yield { label: 'samples array with a throwing iterator', args: with_(0, iter) };
    yield { label: 'samples as a Proxy of an array with throwing traps', args: with_(0, new Proxy([sample], { get() { throw new Error('trap'); } })) };
  }
}

/** Checks a thrown value; `null` when it is a proper TotpkitError. */
export function checkError(e, args) {
  if (!(e instanceof Error)) return `threw a non-Error ${typeof e}: ${String(e).slice(0, 80)}`;
  if (e.name !== 'TotpkitError') return `threw ${e.name}: ${String(e.message).slice(0, 120)}`;
  if (!CODES.includes(e.code)) return `threw TotpkitError with undocumented code ${String(e.code)}`;
  if (typeof e.message !== 'string' || e.message.length > 200) return 'message is not a short string';
  // Messages are fixed sentences: no argument (secrets included) is ever echoed.
  const strings = [];
  const collect = (v, depth) => {
    if (typeof v === 'string') strings.push(v);
    else if (v && typeof v === 'object' && depth < 2 && !ArrayBuffer.isView(v)) {
      try {
        for (const x of Object.values(v)) collect(x, depth + 1);
      } catch { /* hostile objects */ }
    }
  };
  args.forEach((a) => collect(a, 0));
  const shown = `${e.message} ${String(e)} ${e.code}`;
  const echoed = strings.find((s) => s.length >= 12 && shown.includes(s));
  if (echoed) return `error message echoes an input: ${echoed.slice(0, 40)}`;
  return null;
}

/** Runs every case of `name`; returns counts and the first failures. */
export async function runFunction(api, name) {
  const spec = FUNCTIONS[name];
  const fn = api[name];
  const out = { name, calls: 0, results: 0, errors: 0, failures: [] };
  const fail = (label, what) => out.failures.push(`${name}(${label}): ${what}`);
  if (typeof fn !== 'function') {
    fail('-', 'is not exported');
    return out;
  }
  for (const c of cases(name, api)) {
    out.calls++;
    try {
      let r = fn(...c.args);
      if (spec.async) {
        if (!r || typeof r.then !== 'function') throw new Error('did not return a Promise');
        r = await r;
      }
      const problem = spec.check(r);
      if (problem) fail(c.label, problem);
      else out.results++;
    } catch (e) {
      const problem = checkError(e, c.args);
      if (problem) fail(c.label, problem);
      else if (c.mustSucceed) fail(c.label, `valid arguments threw ${e.code}`);
      else if (c.mustFailWith && e.code !== c.mustFailWith) fail(c.label, `threw ${e.code}, not ${c.mustFailWith}`);
      else out.errors++;
    }
    const alive = stillWorks(api);
    if (alive !== true) {
      fail(c.label, `the module no longer works afterwards: ${alive}`);
      break;
    }
  }
  return out;
}

/** A secret-bearing call of each function that fails on purpose: the error must not show it. */
export function secretEchoCases() {
  const secret = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
  const bad = `${secret}!`;
  return {
    secret,
    calls: [
      ['formatSecret', [bad]],
      ['buildOtpauthUri', [{ secret: bad, account: 'a' }]],
      ['buildOtpauthUri', [{ secret, account: `${secret}:x` }]],
      ['parseOtpauthUri', [`otpauth://totp/a?secret=${bad}`]],
      ['parseOtpauthUri', [`otpauth://totp/${secret}%zz?secret=${secret}`]],
      ['parseOtpauthUri', [`otpauth://totp/a?secret=${secret}&digits=${secret}`]],
      ['totpCode', [bad, 0]],
      ['totpCode', [secret, -1]],
      ['hotpCode', [secret, -1]],
      ['verifyTotp', [secret, secret, 0]],
      ['verifyTotp', [bad, '123456', 0]],
      ['renderQrSvg', [secret, { dark: secret }]],
      ['qrMatrix', [secret.repeat(200)]],
      ['enrollment', [{ account: `${secret}:x`, secret }]],
      ['enrollment', [{ account: 'a', secret: bad }]],
      ['enrollment', [{ account: 'a', secret }, { light: secret }]],
      ['codePreview', [secret, NaN]],
      ['codePreview', [bad, 0]],
      ['diagnoseCode', [secret, secret, 0]],
      ['diagnoseCode', [bad, '123456', 0]],
      ['normalizeCode', [secret]],
      ['parseHttpDate', [secret]],
      ['estimateClockOffset', [[{ sentMs: secret }]]],
    ],
  };
}

/** Runs the secret-echo calls; returns what went wrong (empty when nothing did). */
export async function secretEchoProblems(api) {
  const { secret, calls } = secretEchoCases();
  const out = [];
  for (const [name, args] of calls) {
    try {
      await api[name](...args);
      out.push(`${name} accepted ${JSON.stringify(args).slice(0, 60)}`);
    } catch (e) {
      const shown = `${e.message} ${String(e)} ${e.stack} ${JSON.stringify(e)} ${Object.values(e).join(' ')}`;
      if (e.name !== 'TotpkitError') out.push(`${name} threw ${e.name}`);
      if (shown.includes(secret.slice(0, 8))) out.push(`${name} (${e.code}) echoes the secret`);
    }
  }
  return out;
}

/**
 * Two thousand calls with a revoked Proxy as options. A JS exception thrown inside an import
 * (Array.isArray on a revoked Proxy) unwinds through the wasm frames without restoring the
 * shadow-stack pointer, so each such call leaks stack, and about a thousand end the instance.
 */
export function revokedProxyRepeated(api) {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const names = new Set();
  for (let i = 0; i < 2000; i++) {
    try {
      api.totpCode(S, 59_000, proxy);
    } catch (e) {
      names.add(`${e.name}/${e.code}`);
    }
  }
  return { alive: stillWorks(api), errors: [...names].slice(0, 3) };
}

/** checkClock with URLs that `new URL` cannot parse: each must reject with a TotpkitError. */
export async function checkClockBadUrls(api) {
  const out = [];
  for (const url of ['http://[', '//[', 'http://a b/']) {
    try {
      await api.checkClock(url, { samples: 1, timeoutMs: 1000 });
      out.push(`${url}: resolved`);
    } catch (e) {
      out.push(`${url}: ${e.name}/${e.code}`);
    }
  }
  return out;
}

/**
 * estimateClockOffset with a sparse array of 2^26 + 1 holes: `Vec::with_capacity(length)` of
 * 32-byte samples exceeds isize::MAX on wasm32, a capacity-overflow panic (a trap). The holes
 * cost JavaScript nothing; the call must fail fast with InvalidSample.
 */
export function hugeSparseSamples(api) {
  const samples = [];
  samples.length = 2 ** 26 + 1;
  const start = Date.now();
  let outcome;
  try {
    api.estimateClockOffset(samples);
    outcome = 'returned';
  } catch (e) {
    outcome = `${e.name}/${e.code}`;
  }
  return { outcome, alive: stillWorks(api), fast: Date.now() - start < 2000 };
}
