// The package's public JS API, tested through its module namespace, in any runtime: Node
// (tests/node/api.test.mjs) and headless Chromium (tests/e2e/package-api.spec.mjs) run the same
// cases. Ported from the wasm-bindgen-test suite tests/wasm.rs, which called the exported Rust
// functions with JsValues: every RFC vector goes through the exported functions, every error
// must be a thrown TotpkitError with a stable `code`, and the module still works after each.
//
// A case is { name, run: async (tk, t, data) }: `tk` is the package's namespace, already
// initialised; `t` comes from ./assert.mjs (built by runCase below); `data` maps each file of
// DATA_FILES (tests/data/) to its text, read by the runner (fs in Node, fetch in the browser).
import { makeAssert } from './assert.mjs';

/** The files of tests/data/ the cases read. */
export const DATA_FILES = ['rfc6238.txt', 'rfc4226.txt'];

const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** The data rows of a vector file: blank lines and # comments skipped, split on whitespace. */
function rows(text) {
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
}

function dataFile(data, name) {
  const text = data?.[name];
  if (typeof text !== 'string') throw new Error(`the runner did not pass tests/data/${name}`);
  return text;
}

/** RFC 6238 Appendix B, first row: the module computes this after every error. */
function stillWorks(tk, t) {
  t.equal(tk.totpCode(RFC_SECRET, 59_000, { digits: 8 }), '94287082', 'still works after the error');
}

/** A clock sample as checkClock records one. */
const sample = (sent, rtt, server) => ({ sentMs: sent, receivedMs: sent + rtt, serverMs: server });

export const cases = [
  {
    name: 'RFC 6238 Appendix B vectors through totpCode and verifyTotp',
    async run(tk, t, data) {
      const vectors = rows(dataFile(data, 'rfc6238.txt'));
      // Appendix B: six times for each of SHA1, SHA256, SHA512.
      t.equal(vectors.length, 18, 'RFC 6238 vector count');
      for (const [algorithm, s, code, secret] of vectors) {
        const secs = Number(s);
        const label = `${algorithm} at ${secs} s`;
        const opts = { algorithm, digits: 8 };
        // Milliseconds: the last millisecond of the second still gives the same code.
        t.equal(tk.totpCode(secret, secs * 1000 + 999, opts), code, `${label}: totpCode`);
        const v = tk.verifyTotp(secret, code, secs * 1000, opts);
        t.equal(v.valid, true, `${label}: verifyTotp valid`);
        t.equal(v.delta, 0, `${label}: verifyTotp delta`);
        t.equal(v.step, Math.floor(secs / 30), `${label}: verifyTotp step`);
      }
    },
  },
  {
    name: 'RFC 4226 Appendix D vectors through hotpCode',
    async run(tk, t, data) {
      const vectors = rows(dataFile(data, 'rfc4226.txt'));
      t.equal(vectors.length, 10, 'RFC 4226 vector count');
      for (const [counter, code, secret] of vectors) {
        t.equal(tk.hotpCode(secret, Number(counter), undefined), code, `hotpCode counter ${counter}`);
      }
    },
  },
  {
    name: 'verifyTotp reports the delta of an earlier code and rejects outside the window',
    async run(tk, t) {
      const s = 'JBSWY3DPEHPK3PXP';
      const now = 1_700_000_000_000;
      const prev = tk.totpCode(s, now - 30_000, undefined);
      const typed = `${prev.slice(0, 3)}-${prev.slice(3)}`;
      t.equal(tk.verifyTotp(s, typed, now, undefined).delta, -1, `verifyTotp(${typed}) delta`);
      const v = tk.verifyTotp(s, prev, now, { window: 0 });
      t.equal(v.valid, false, 'window 0: valid');
      t.equal(v.delta, null, 'window 0: delta');
      t.equal(v.step, null, 'window 0: step');
    },
  },
  {
    name: 'secrets: generateSecret and formatSecret',
    async run(tk, t) {
      const s = tk.generateSecret(undefined);
      t.equal(typeof s, 'string', 'generateSecret() type');
      t.equal(s.length, 32, 'generateSecret() length'); // 20 bytes = 160 bits = 32 base32 symbols
      t.ok(/^[A-Z2-7]*$/.test(s), `generateSecret() is unpadded upper-case base32: ${s}`);
      t.ok(s !== tk.generateSecret(undefined), 'two secrets differ');
      t.equal(tk.generateSecret(64).length, 103, 'generateSecret(64) length');
      t.equal(tk.formatSecret('jbsw-y3dp ehpk3pxp=='), 'JBSW Y3DP EHPK 3PXP', 'formatSecret');
    },
  },
  {
    name: 'otpauth URI: buildOtpauthUri then parseOtpauthUri round trip',
    async run(tk, t) {
      const uri = tk.buildOtpauthUri({
        secret: 'jbsw y3dp ehpk 3pxp',
        account: 'alice@example.com',
        issuer: 'ACME Co',
      });
      t.equal(
        uri,
        'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
        'buildOtpauthUri',
      );
      const parsed = tk.parseOtpauthUri(uri);
      for (const [k, v] of [
        ['type', 'totp'],
        ['secret', 'JBSWY3DPEHPK3PXP'],
        ['account', 'alice@example.com'],
        ['issuer', 'ACME Co'],
        ['algorithm', 'SHA1'],
      ]) {
        t.equal(parsed[k], v, `parsed.${k}`);
      }
      t.equal(parsed.digits, 6, 'parsed.digits');
      t.equal(parsed.period, 30, 'parsed.period');
      t.equal(parsed.counter, undefined, 'parsed.counter of a totp URI');
      const hotp = tk.parseOtpauthUri('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=9');
      t.equal(hotp.counter, 9, 'parsed.counter of a hotp URI');
    },
  },
  {
    name: 'every error is a TotpkitError with its code, and the module survives',
    async run(tk, t) {
      const s = 'JBSWY3DPEHPK3PXP';
      const now = 1_700_000_000_000;
      const u = undefined;
      t.throwsTotpkit(() => tk.totpCode('JBSW!', now, u), 'InvalidBase32');
      t.throwsTotpkit(() => tk.totpCode(42, now, u), 'InvalidBase32');
      t.throwsTotpkit(() => tk.totpCode('JBSWY3DP', now, u), 'InvalidSecretLength');
      t.throwsTotpkit(() => tk.totpCode(s, NaN, u), 'InvalidTime');
      t.throwsTotpkit(() => tk.totpCode(s, -1, u), 'InvalidTime');
      t.throwsTotpkit(() => tk.totpCode(s, 1e300, u), 'InvalidTime');
      t.throwsTotpkit(() => tk.totpCode(s, 'now', u), 'InvalidTime');
      t.throwsTotpkit(() => tk.totpCode(s, now, { digits: 9 }), 'InvalidDigits');
      t.throwsTotpkit(() => tk.totpCode(s, now, { digits: 6.5 }), 'InvalidDigits');
      t.throwsTotpkit(() => tk.totpCode(s, now, { period: 0 }), 'InvalidPeriod');
      t.throwsTotpkit(() => tk.totpCode(s, now, { algorithm: 'MD5' }), 'UnsupportedAlgorithm');
      t.throwsTotpkit(() => tk.totpCode(s, now, 'SHA1'), 'InvalidOptions');
      t.throwsTotpkit(() => tk.hotpCode(s, -1, u), 'InvalidCounter');
      t.throwsTotpkit(() => tk.hotpCode(s, 9_007_199_254_740_992, u), 'InvalidCounter');
      t.throwsTotpkit(() => tk.verifyTotp(s, '12345', now, u), 'InvalidCode');
      t.throwsTotpkit(() => tk.verifyTotp(s, 'abcdef', now, u), 'InvalidCode');
      t.throwsTotpkit(() => tk.verifyTotp(s, u, now, u), 'InvalidCode');
      t.throwsTotpkit(() => tk.verifyTotp(s, '123456', now, { window: 11 }), 'InvalidWindow');
      t.throwsTotpkit(() => tk.generateSecret(15), 'InvalidSecretLength');
      t.throwsTotpkit(() => tk.generateSecret('20'), 'InvalidSecretLength');
      t.throwsTotpkit(() => tk.formatSecret('not base32!'), 'InvalidBase32');
      t.throwsTotpkit(() => tk.parseOtpauthUri('https://x'), 'InvalidUri');
      t.throwsTotpkit(() => tk.parseOtpauthUri('otpauth://motp/x?secret=JBSWY3DPEHPK3PXP'), 'UnsupportedOtpType');
      t.throwsTotpkit(() => tk.parseOtpauthUri('otpauth://totp/x'), 'MissingSecret');
      t.throwsTotpkit(() => tk.parseOtpauthUri(null), 'InvalidUri');
      t.throwsTotpkit(() => tk.buildOtpauthUri({ secret: s, account: 'a:b' }), 'InvalidLabel');
      t.throwsTotpkit(() => tk.buildOtpauthUri({ account: 'a' }), 'MissingSecret');
      t.throwsTotpkit(() => tk.buildOtpauthUri(u), 'InvalidOptions');
    },
  },
  {
    name: 'QR: renderQrSvg, qrMatrix and enrollment, and their errors',
    async run(tk, t) {
      const svg = tk.renderQrSvg('hello', { title: '<x>' });
      t.equal(typeof svg, 'string', 'renderQrSvg type');
      t.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"'), `renderQrSvg opening: ${svg.slice(0, 80)}`);
      t.ok(svg.includes('aria-label="&lt;x&gt;"'), 'renderQrSvg escapes the title into aria-label');
      const m = tk.qrMatrix('hello', undefined);
      t.equal(m.size, 21, 'qrMatrix size');
      t.ok(m.modules instanceof Uint8Array, 'qrMatrix modules is a Uint8Array');
      t.equal(m.modules.length, 441, 'qrMatrix modules length');
      // Top-left finder pattern: a 7-module dark row.
      t.deepEqual(Array.from(m.modules.subarray(0, 8)), [1, 1, 1, 1, 1, 1, 1, 0], 'qrMatrix first row');
      const e = tk.enrollment({ account: 'alice@example.com', issuer: 'ACME Co' }, undefined);
      t.equal(typeof e.secret, 'string', 'enrollment secret type');
      t.equal(e.secret.length, 32, 'enrollment secret length');
      t.equal(typeof e.uri, 'string', 'enrollment uri type');
      t.ok(e.uri.includes(e.secret), 'enrollment uri holds the secret');
      t.equal(typeof e.altText, 'string', 'enrollment altText type');
      t.ok(!e.altText.includes(e.secret), 'enrollment altText does not show the secret');
      t.equal(e.params.period, 30, 'enrollment params.period');

      t.throwsTotpkit(() => tk.renderQrSvg('x', { dark: '"/><script>' }), 'InvalidOptions');
      t.throwsTotpkit(() => tk.renderQrSvg('x', { ecc: 'Z' }), 'InvalidOptions');
      t.throwsTotpkit(() => tk.renderQrSvg('a'.repeat(3000), undefined), 'QrTooLong');
      t.throwsTotpkit(() => tk.qrMatrix(null, undefined), 'InvalidOptions');
      t.throwsTotpkit(() => tk.enrollment({ account: 'a:b' }, undefined), 'InvalidLabel');
    },
  },
  {
    name: 'clock: estimateClockOffset, parseHttpDate, codePreview and diagnoseCode, and their errors',
    async run(tk, t) {
      const samples = [
        sample(1e12, 800, 1e12 + 120_400),
        sample(1e12 + 1e4, 80, 1e12 + 1e4 + 120_040),
        sample(1e12, 300, 0),
      ];
      const e = tk.estimateClockOffset(samples, undefined);
      t.equal(e.sampleIndex, 1, 'estimateClockOffset picks the shortest round trip');
      t.equal(typeof e.offsetMs, 'number', 'estimateClockOffset offsetMs type');
      t.ok(Math.abs(e.offsetMs - 120_000) <= 1, `estimateClockOffset offsetMs ≈ 120000: ${e.offsetMs}`);
      t.equal(e.status, 'critical', 'estimateClockOffset status');
      t.throwsTotpkit(() => tk.estimateClockOffset([], undefined), 'InvalidSample');
      t.throwsTotpkit(() => tk.estimateClockOffset({}, undefined), 'InvalidSample');
      t.throwsTotpkit(() => tk.estimateClockOffset([sample(NaN, 1, 1)], undefined), 'InvalidSample');
      t.throwsTotpkit(() => tk.estimateClockOffset(['x'], undefined), 'InvalidSample');

      t.equal(tk.parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), 784_111_777_000, 'parseHttpDate');
      t.throwsTotpkit(() => tk.parseHttpDate('yesterday'), 'InvalidDate');

      const p = tk.codePreview(RFC_SECRET, 58_999, { offsetMs: 1, digits: 8 });
      t.equal(p.code, '94287082', 'codePreview code');
      t.equal(p.secondsRemaining, 1, 'codePreview secondsRemaining');
      t.throwsTotpkit(() => tk.codePreview(RFC_SECRET, 1, { offsetMs: NaN }), 'InvalidTime');

      const d = tk.diagnoseCode(RFC_SECRET, '94287082', 149_000, { digits: 8 });
      t.equal(d.kind, 'drift', 'diagnoseCode kind');
      t.equal(d.stepDelta, -3, 'diagnoseCode stepDelta');
      t.equal(d.offsetSeconds, -90, 'diagnoseCode offsetSeconds');
      t.throwsTotpkit(() => tk.diagnoseCode(RFC_SECRET, '1', 0, undefined), 'InvalidCode');
      t.throwsTotpkit(() => tk.diagnoseCode(RFC_SECRET, '123456', 0, { maxSteps: 1e9 }), 'InvalidOptions');
    },
  },
  {
    name: 'normalizeCode: typed and pasted codes as ASCII digits, by the rule verifyTotp applies',
    async run(tk, t) {
      for (const [typed, digits, want] of [
        ['123456', 6, '123456'], ['123 456', 6, '123456'], ['123-456', 6, '123456'],
        ['123\u00a0456', 6, '123456'], ['１２３４５６', 6, '123456'], ['１２３ ４５６', undefined, '123456'],
        ['1234 5678', undefined, '12345678'], ['０１２３４５６', 7, '0123456'], ['000 042', null, '000042'],
      ]) {
        t.equal(tk.normalizeCode(typed, digits), want, `normalizeCode(${JSON.stringify(typed)}, ${digits})`);
      }
      // The rule is the one verification uses: a full-width code verifies.
      t.equal(tk.verifyTotp(RFC_SECRET, '９４２８ ７０８２', 59_000, { digits: 8 }).valid, true, 'verifyTotp takes full-width digits');
      t.throwsTotpkit(() => tk.normalizeCode('12345', undefined), 'InvalidCode');
      t.throwsTotpkit(() => tk.normalizeCode('123456', 8), 'InvalidCode');
      t.throwsTotpkit(() => tk.normalizeCode('12a456', 6), 'InvalidCode');
      t.throwsTotpkit(() => tk.normalizeCode(123456, 6), 'InvalidCode');
      t.throwsTotpkit(() => tk.normalizeCode('123456', 5), 'InvalidDigits');
      t.throwsTotpkit(() => tk.normalizeCode('123456', 9), 'InvalidDigits');
      t.throwsTotpkit(() => tk.normalizeCode('123456', NaN), 'InvalidDigits');
      stillWorks(tk, t);
    },
  },
  {
    // Regression (hostile-input suite): in v1 a revoked Proxy made `Array.isArray` throw
    // straight through wasm frames, which skipped restoring the shadow stack, and after ~1 000
    // calls the instance died; a huge sparse array asked `Vec::with_capacity` for gigabytes.
    // Whatever the boundary, the user-visible meaning stays: 2 000 refused calls with a revoked
    // Proxy, a sparse array of 2^26 + 1 holes refused, and an RFC vector still computes.
    name: 'revoked Proxies and a huge sparse array are refused, and the module survives',
    async run(tk, t) {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      for (let i = 0; i < 2000; i++) {
        let err;
        try {
          tk.totpCode(RFC_SECRET, 59_000, proxy);
        } catch (e) {
          err = e;
        }
        t.ok(err !== undefined, `call ${i} with revoked options threw`);
        t.equal(err?.code, 'InvalidOptions', `call ${i} with revoked options: code`);
      }
      t.throwsTotpkit(() => tk.estimateClockOffset(proxy, undefined), 'InvalidSample');
      const huge = [];
      huge.length = 2 ** 26 + 1;
      t.throwsTotpkit(() => tk.estimateClockOffset(huge, undefined), 'InvalidSample');
      stillWorks(tk, t);
    },
  },
];

/** Runs the case called `name` with a fresh `t` whose throwsTotpkit checks the module survived. */
export async function runCase(name, tk, data) {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no case named ${JSON.stringify(name)}`);
  const t = makeAssert({ afterError: () => stillWorks(tk, t) });
  await found.run(tk, t, data);
}
