// The large cross-check of issue 8, through the built package (pkg/, the wasm that ships):
//   * N random TOTP/HOTP cases (default 10 000) against pyotp (one Python process for the whole
//     batch) and oathtool (two processes at a time): SHA1/SHA256/SHA512, 6–8 digits, periods 1,
//     15, 30, 60, 3600 and random ones, times from 0 to the year 2200, keys of 10–64 bytes;
//     every oracle code must also verify (window 0) through verifyTotp;
//   * M random otpauth URIs (default 1 000) built by buildOtpauthUri, drawn by renderQrSvg at a
//     random ECC level, rasterized by rsvg-convert, read back by zbarimg byte-exact, and parsed
//     back by parseOtpauthUri into the same fields.
// Zero mismatches or the exit code is 1. Usage (scripts/crosscheck.sh runs it):
//   node tests/crosscheck/crosscheck.mjs [CASES] [URIS]      TOTPKIT_SEED=n replays a run
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const api = await import(join(root, 'pkg', 'totpkit.js'));
api.initSync({ module: readFileSync(join(root, 'pkg', 'totpkit_bg.wasm')) });

const CASES = Number(process.argv[2] || 10_000);
const URIS = Number(process.argv[3] || 1_000);
const WORKERS = 2;
const YEAR_2200 = 7_258_118_400; // 2200-01-01T00:00:00Z in seconds

// Seeded PRNG (SplitMix32-style), so a failing run can be replayed.
const seed = Number(process.env.TOTPKIT_SEED || Date.now() % 2 ** 32) >>> 0;
console.log(`crosscheck: TOTPKIT_SEED=${seed}`);
let state = seed;
function rand() {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
}
const below = (n) => Math.floor(rand() * n);
const pick = (xs) => xs[below(xs.length)];

function base32(bytes) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  while (bits.length % 5) bits += '0';
  return bits.match(/.{5}/g).map((c) => A[parseInt(c, 2)]).join('');
}

/** Runs `jobs` (functions returning promises) with at most `n` at a time. */
async function pool(jobs, n) {
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
  });
}

// ---- codes -----------------------------------------------------------------------------------

const ALGS = ['SHA1', 'SHA256', 'SHA512'];
const PERIODS = [1, 15, 30, 30, 60, 3600, 0];
function randomTime(period) {
  switch (below(6)) {
    case 0: return below(1000); // near the epoch
    case 1: return 1_700_000_000 + below(2 ** 30); // around now
    case 2: return 2 ** 31 - 5 + below(10); // the 2038 boundary
    case 3: return YEAR_2200 - below(10 ** 6); // near the end of the range
    case 4: { // at a step boundary, one second either side
      const t = below(Math.floor(YEAR_2200 / period)) * period;
      return Math.max(0, t + below(3) - 1);
    }
    default: return below(YEAR_2200 + 1);
  }
}
const cases = Array.from({ length: CASES }, (_, i) => {
  const period = pick(PERIODS) || 1 + below(3600);
  return {
    hotp: i % 10 === 9,
    secret: base32(Array.from({ length: 10 + below(55) }, () => below(256))),
    algorithm: pick(ALGS),
    digits: 6 + below(3),
    period,
    at: i % 10 === 9 ? (below(2) ? below(1000) : below(2 ** 21) * 2 ** 32 + below(2 ** 32)) : randomTime(period),
  };
});

const t0 = Date.now();
const ours = cases.map((c) =>
  c.hotp
    ? api.hotpCode(c.secret, c.at, { algorithm: c.algorithm, digits: c.digits })
    : api.totpCode(c.secret, c.at * 1000, { algorithm: c.algorithm, digits: c.digits, period: c.period }));

const input = cases.map((c) => `${c.hotp ? 'hotp' : 'totp'} ${c.secret} ${c.algorithm} ${c.digits} ${c.period} ${c.at}`).join('\n') + '\n';
const pyotp = execFileSync('python3', [join(root, 'tests', 'oracles', 'pyotp_codes.py')], { input, encoding: 'utf8', maxBuffer: 1 << 26 })
  .trim().split('\n');
if (pyotp.length !== cases.length) throw new Error(`pyotp gave ${pyotp.length} codes for ${cases.length} cases`);

const oathJobs = cases.map((c) => () => {
  if (c.hotp && c.algorithm !== 'SHA1') return Promise.resolve(null); // oathtool's HOTP is SHA-1 only
  const args = ['--base32', '-d', String(c.digits)];
  if (c.hotp) args.push('--hotp', '-c', String(c.at));
  else args.push(`--totp=${c.algorithm}`, '-s', `${c.period}s`, '-N', `@${c.at}`);
  args.push(c.secret);
  return run('oathtool', args).then((r) => (r.code === 0 ? r.stdout.toString().trim() : `oathtool failed: ${r.stderr.trim()}`));
});
const oath = await pool(oathJobs, WORKERS);

const mismatches = [];
let oathCompared = 0;
cases.forEach((c, i) => {
  const what = `${c.hotp ? 'HOTP' : 'TOTP'} ${c.algorithm}/${c.digits}/${c.period} at ${c.at} key ${c.secret}`;
  if (ours[i] !== pyotp[i]) mismatches.push(`${what}: totpkit ${ours[i]}, pyotp ${pyotp[i]}`);
  if (oath[i] !== null) {
    oathCompared++;
    if (ours[i] !== oath[i]) mismatches.push(`${what}: totpkit ${ours[i]}, oathtool ${oath[i]}`);
  }
  if (!c.hotp) {
    const v = api.verifyTotp(c.secret, pyotp[i], c.at * 1000, { algorithm: c.algorithm, digits: c.digits, period: c.period, window: 0 });
    if (!v.valid || v.delta !== 0 || v.step !== Math.floor(c.at / c.period)) mismatches.push(`${what}: pyotp's code does not verify: ${JSON.stringify(v)}`);
  }
});
const byAlg = Object.fromEntries(ALGS.map((a) => [a, cases.filter((c) => c.algorithm === a).length]));
console.log(`codes: ${cases.length} cases (${cases.filter((c) => c.hotp).length} HOTP; ${JSON.stringify(byAlg)}), ` +
  `${cases.length} compared with pyotp, ${oathCompared} with oathtool, ${mismatches.length} mismatches (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// ---- QR codes --------------------------------------------------------------------------------

const PIECES = ['a', 'Z', '7', ' ', '@', '.', '-', '_', '+', '&', '=', '?', '/', '%', '#', 'é', 'ü', 'ß', '日本',
  '株式会社', 'Ω', '😀', '🔐', 'Ünïcödé', 'ACME', 'Co.', '"', "'", '<', '>', '\\', '%20', '&amp;'];
function label(max) {
  const s = Array.from({ length: 1 + below(max) }, () => pick(PIECES)).join('').trim();
  return s || 'x';
}
const t1 = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'totpkit-crosscheck-'));
const qrJobs = [];
let tooLong = 0;
let attempt = 0;
while (qrJobs.length < URIS) {
  const i = attempt++;
  const p = {
    secret: base32(Array.from({ length: 10 + below(55) }, () => below(256))),
    account: label(i % 10 === 0 ? 60 : 12),
    algorithm: pick(ALGS),
    digits: 6 + below(3),
    period: pick([30, 30, 60, 15, 1, 3600]),
  };
  if (below(5)) p.issuer = label(8);
  if (i % 17 === 0) Object.assign(p, { type: 'hotp', counter: below(2 ** 40) });
  const uri = api.buildOtpauthUri(p);
  const ecc = pick(['L', 'M', 'Q', 'H']);
  let svg;
  try {
    svg = api.renderQrSvg(uri, { ecc });
  } catch (e) {
    if (e.code !== 'QrTooLong') throw e;
    tooLong++;
    continue;
  }
  const n = qrJobs.length;
  writeFileSync(join(dir, `${n}.svg`), svg);
  qrJobs.push(async () => {
    const png = join(dir, `${n}.png`);
    const r1 = await run('rsvg-convert', ['--width', '600', '--background-color', 'white', '-o', png, join(dir, `${n}.svg`)]);
    if (r1.code !== 0) return `${ecc} ${uri}: rsvg-convert failed: ${r1.stderr.trim()}`;
    const r2 = await run('zbarimg', ['--quiet', '--raw', '-Sbinary', '-Sdisable', '-Sqrcode.enable', png]);
    if (r2.code !== 0) return `${ecc} ${uri}: zbarimg found no QR code`;
    let bytes = r2.stdout;
    if (bytes.at(-1) === 0x0a) bytes = bytes.subarray(0, -1);
    const read = bytes.toString('utf8');
    if (read !== uri) return `${ecc} ${uri}: zbarimg read ${read}`;
    const back = api.parseOtpauthUri(read);
    for (const k of ['secret', 'account', 'issuer', 'algorithm', 'digits', 'counter']) {
      if (back[k] !== p[k]) return `${uri}: parsed ${k} ${back[k]}, built from ${p[k]}`;
    }
    if ((p.type || 'totp') !== back.type || (back.type === 'totp' && back.period !== p.period)) return `${uri}: type/period differ`;
    return null;
  });
}
const qrFailures = (await pool(qrJobs, WORKERS)).filter(Boolean);
rmSync(dir, { recursive: true, force: true });
console.log(`QR: ${qrJobs.length} random otpauth URIs drawn, rasterized and read back by zbarimg, ` +
  `${qrFailures.length} mismatches (${tooLong} too long for their ECC level, skipped) (${((Date.now() - t1) / 1000).toFixed(1)} s)`);

const all = [...mismatches, ...qrFailures];
for (const m of all.slice(0, 30)) console.log(`MISMATCH ${m}`);
console.log(`crosscheck: ${cases.length + qrJobs.length - all.length} passed, ${all.length} failed`);
process.exit(all.length ? 1 : 0);
