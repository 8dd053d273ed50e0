// Speed, side by side in one Node process: totpkit (the built pkg/, loaded as `import 'totpkit'`
// loads it in Node) against the npm anchors otpauth, otplib and qrcode, and against a bare
// Rust→wasm HMAC loop (bench/bare/). Not a test: nothing here can fail CI. Run after
// scripts/build-pkg.sh: node bench/bench.mjs
//
// The machine is shared and noisy, so contenders are timed in alternating batches (A B A B …,
// 15 rounds) and each ratio is the median of the per-round ratios: a burst of load hits both
// sides of a round. Ratios are anchor time / totpkit time (> 1: totpkit is faster). Issue 11's
// targets are printed beside them.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, tmpdir } from 'node:os';
import * as OTPAuth from 'otpauth';
import { generateSync, verifySync } from 'otplib';
import QRCode from 'qrcode';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const totpkit = await import(join(root, 'pkg', 'node.js'));

// The bare loop: built here with the package's size profile (a few seconds when warm).
execFileSync('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '--target-dir', join(root, 'target', 'bench-bare')], {
  cwd: join(root, 'bench', 'bare'),
  stdio: 'inherit',
});
const bare = new WebAssembly.Instance(
  new WebAssembly.Module(readFileSync(join(root, 'target', 'bench-bare', 'wasm32-unknown-unknown', 'release', 'totpkit_bench_bare.wasm'))),
).exports;

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const URI_135 = `otpauth://totp/ACME%20Co:alice%40example.com?secret=${SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`;
const NOW = 1_700_000_000_000;
const otpauthTotp = new OTPAuth.TOTP({ issuer: 'ACME Co', label: 'alice@example.com', secret: OTPAuth.Secret.fromBase32(SECRET) });
const STEPS_24H = 2880; // ±24 h at 30 s: 5 761 steps
const farCode = otpauthTotp.generate({ timestamp: NOW + STEPS_24H * 30_000 });
const nowCode = otpauthTotp.generate({ timestamp: NOW });
const wrongCode = nowCode === '000000' ? '000001' : '000000';

function check(label, got, want) {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${label}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// Every contender must give the right answer before it is timed.
check('totpkit code', totpkit.totpCode(SECRET, NOW), nowCode);
check('otplib code', generateSync({ secret: SECRET, epoch: NOW / 1000 }), nowCode);
check('totpkit far edge', totpkit.diagnoseCode(SECRET, farCode, NOW, { maxSteps: STEPS_24H }).stepDelta, STEPS_24H);
check('otpauth far edge', otpauthTotp.validate({ token: farCode, timestamp: NOW, window: STEPS_24H }), STEPS_24H);
check('totpkit accept', totpkit.verifyTotp(SECRET, nowCode, NOW).delta, 0);
check('totpkit reject', totpkit.verifyTotp(SECRET, wrongCode, NOW).valid, false);
check('totpkit uri', totpkit.buildOtpauthUri({ secret: SECRET, account: 'alice@example.com', issuer: 'ACME Co' }), URI_135);

/** Calls per batch so one batch takes about `ms`. */
function calibrate(fn, ms = 20) {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    const took = performance.now() - t;
    if (took > ms / 2 || n > 1e7) return Math.max(1, Math.round((n * ms) / Math.max(took, 0.001)));
    n *= 2;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ROUNDS = 15;

/** Times the contenders in alternating batches; returns median ms per call and per-round ratios. */
function race(contenders) {
  const live = Object.entries(contenders).filter(([, fn]) => fn);
  const sizes = Object.fromEntries(live.map(([k, fn]) => [k, calibrate(fn)]));
  const times = Object.fromEntries(live.map(([k]) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, fn] of live) {
      const n = sizes[k];
      const t = performance.now();
      for (let i = 0; i < n; i++) fn();
      times[k].push((performance.now() - t) / n);
    }
  }
  const out = {};
  for (const [k] of live) out[k] = { ms: median(times[k]), per: times[k] };
  return out;
}

const rows = [];
function row(op, contenders, target) {
  rows.push({ op, target, t: race(contenders) });
}

row('generate one code', {
  totpkit: () => totpkit.totpCode(SECRET, NOW),
  otpauth: () => otpauthTotp.generate({ timestamp: NOW }),
  otplib: () => generateSync({ secret: SECRET, epoch: NOW / 1000 }),
  bare: () => bare.one(BigInt(Math.floor(NOW / 30_000))),
}, { otpauth: 3 });
row('verify ±1, accept', {
  totpkit: () => totpkit.verifyTotp(SECRET, nowCode, NOW),
  otpauth: () => otpauthTotp.validate({ token: nowCode, timestamp: NOW, window: 1 }),
  otplib: () => verifySync({ secret: SECRET, token: nowCode, epoch: NOW / 1000, epochTolerance: 30 }),
}, { otpauth: 2 });
row('verify ±1, reject', {
  totpkit: () => totpkit.verifyTotp(SECRET, wrongCode, NOW),
  otpauth: () => otpauthTotp.validate({ token: wrongCode, timestamp: NOW, window: 1 }),
  otplib: () => verifySync({ secret: SECRET, token: wrongCode, epoch: NOW / 1000, epochTolerance: 30 }),
}, { otpauth: 4 });
let otplibScan = null;
try {
  check('otplib far edge', verifySync({ secret: SECRET, token: farCode, epoch: NOW / 1000, epochTolerance: STEPS_24H * 30 }).valid, true);
  otplibScan = () => verifySync({ secret: SECRET, token: farCode, epoch: NOW / 1000, epochTolerance: STEPS_24H * 30 });
} catch (e) {
  console.log(`otplib drift scan not comparable: ${e.message}`);
}
const firstStep = BigInt(Math.floor(NOW / 30_000) - STEPS_24H);
row('drift scan ±24 h (5 761 steps, far edge)', {
  totpkit: () => totpkit.diagnoseCode(SECRET, farCode, NOW, { maxSteps: STEPS_24H }),
  otpauth: () => otpauthTotp.validate({ token: farCode, timestamp: NOW, window: STEPS_24H }),
  otplib: otplibScan,
  bare: () => bare.scan(firstStep, 2 * STEPS_24H + 1, Number(farCode)),
}, { otpauth: 12, bare: 1 / 1.5 });
row('build otpauth URI', {
  totpkit: () => totpkit.buildOtpauthUri({ secret: SECRET, account: 'alice@example.com', issuer: 'ACME Co' }),
  otpauth: () => otpauthTotp.toString(),
}, { otpauth: 1.5 });
row('QR → SVG, 135-character URI, ECC M', {
  totpkit: () => totpkit.renderQrSvg(URI_135),
  // node-qrcode's callback API runs synchronously for SVG strings.
  qrcode: () => QRCode.toString(URI_135, { type: 'svg', errorCorrectionLevel: 'M' }, () => {}),
}, { qrcode: 2 });

// Cold start: a fresh Node process each time, from import to the first QR SVG.
const cold = {
  totpkit: `const t=performance.now();const m=await import(${JSON.stringify(join(root, 'pkg', 'node.js'))});` +
    `const e=m.enrollment({account:'alice@example.com',issuer:'ACME Co'});if(!e.svg)throw 1;console.log(performance.now()-t)`,
  'otpauth + qrcode': `const t=performance.now();const O=await import('otpauth');const Q=(await import('qrcode')).default;` +
    `const s=new O.Secret();const u=new O.TOTP({issuer:'ACME Co',label:'alice@example.com',secret:s}).toString();` +
    `const svg=await Q.toString(u,{type:'svg'});if(!svg)throw 1;console.log(performance.now()-t)`,
};
// Node's own part of that figure: the same code importing an empty module. Under `-e` the first
// `import()` also starts Node's ES module loader, which a program started from a file has running
// before its first line; so totpkit's code is also timed from a file entry, beside the same floor.
const scratch = mkdtempSync(join(tmpdir(), 'totpkit-cold-'));
const empty = join(scratch, 'empty.mjs');
writeFileSync(empty, 'export default 1;\n');
const floorCode = `const t=performance.now();await import(${JSON.stringify(empty)});console.log(performance.now()-t)`;
const fileEntry = join(scratch, 'entry.mjs');
writeFileSync(fileEntry, cold.totpkit);
const floorEntry = join(scratch, 'floor.mjs');
writeFileSync(floorEntry, floorCode);
const coldTimes = { totpkit: [], 'otpauth + qrcode': [] };
const coldFloor = { eval: [], file: [], totpkitFile: [] };
const timed = (args) => Number(execFileSync('node', args, { cwd: root, encoding: 'utf8' }));
for (let r = 0; r < 9; r++) {
  for (const [name, code] of Object.entries(cold)) coldTimes[name].push(timed(['--input-type=module', '-e', code]));
  coldFloor.eval.push(timed(['--input-type=module', '-e', floorCode]));
  coldFloor.totpkitFile.push(timed([fileEntry]));
  coldFloor.file.push(timed([floorEntry]));
}
rmSync(scratch, { recursive: true });
rows.push({
  op: 'cold start: import + first QR (fresh process)',
  target: { 'otpauth + qrcode': 1, absoluteMs: 6 },
  t: Object.fromEntries(Object.entries(coldTimes).map(([k, v]) => [k, { ms: median(v), per: v }])),
});

const fmt = (ms) => (ms == null ? '—' : ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(2)} ms`);
/** Median over rounds of anchor / totpkit. */
const ratio = (r, anchor) => {
  const a = r.t[anchor];
  const tk = r.t.totpkit;
  if (!a || !tk) return null;
  return median(a.per.map((x, i) => x / tk.per[i]));
};
const anchors = ['otpauth', 'otplib', 'qrcode', 'otpauth + qrcode', 'bare'];
console.log(`\nnode ${process.version}, ${cpus()[0].model}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; medians of ${ROUNDS} alternating rounds\n`);
console.log(`| operation | totpkit | ${anchors.join(' | ')} | ratios (anchor / totpkit) | issue 11 target |`);
console.log(`|---|---|${anchors.map(() => '---').join('|')}|---|---|`);
for (const r of rows) {
  const ratios = anchors
    .filter((k) => r.t[k])
    .map((k) => `${ratio(r, k).toFixed(2)}× ${k}`)
    .join(', ');
  const target = Object.entries(r.target || {})
    .map(([k, v]) => {
      if (k === 'absoluteMs') return `≤ ${v} ms: ${r.t.totpkit.ms <= v ? 'met' : 'missed'}`;
      const got = ratio(r, k);
      return k === 'bare' ? `within ${(1 / v).toFixed(1)}× of bare: ${got >= v ? 'met' : 'missed'}` : `≥ ${v}× ${k}: ${got >= v ? 'met' : 'missed'}`;
    })
    .join('; ');
  console.log(`| ${r.op} | ${fmt(r.t.totpkit.ms)} | ${anchors.map((k) => fmt(r.t[k]?.ms)).join(' | ')} | ${ratios} | ${target} |`);
}
const less = (a, b) => median(a.map((x, i) => x - b[i]));
console.log(
  `\nCold start's floor, medians of the same 9 rounds: Node importing an empty module the same way (\`node -e\`) ${fmt(median(coldFloor.eval))}, ` +
    `so totpkit's own part is ${fmt(less(coldTimes.totpkit, coldFloor.eval))}. From a file entry (\`node entry.mjs\`, the loader up before the first line): ` +
    `totpkit ${fmt(median(coldFloor.totpkitFile))}, the empty module ${fmt(median(coldFloor.file))}; issue 23's bar (≤ 12 ms, as the table measures): ` +
    `${median(coldTimes.totpkit) <= 12 ? 'met' : 'missed'}.`,
);
