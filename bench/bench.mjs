// Speed, side by side in one Node process: totpkit (the built pkg/) against the npm anchors
// otpauth, otplib and qrcode. Not a test: nothing here can fail CI. Run: node bench/bench.mjs
// Each figure is the median of 7 batches; ratios are anchor time / totpkit time (> 1: totpkit
// is faster). The machine is shared and noisy: compare ratios from one run, not across runs.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import * as OTPAuth from 'otpauth';
import { generateSync, verifySync } from 'otplib';
import QRCode from 'qrcode';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// What `import ... from 'totpkit'` gives in Node: the entry that is ready on import.
const totpkit = await import(join(root, 'pkg', 'node.js'));

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const URI_135 = `otpauth://totp/ACME%20Co:alice%40example.com?secret=${SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`;
const NOW = 1_700_000_000_000;
const otpauthTotp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) });
const STEPS_24H = 2880; // ±24 h at 30 s: 5 761 steps
const farCode = otpauthTotp.generate({ timestamp: NOW + STEPS_24H * 30_000 });
const nowCode = otpauthTotp.generate({ timestamp: NOW });
const wrongCode = nowCode === '000000' ? '000001' : '000000';

/** Median milliseconds per call of fn, over 7 batches sized to take ~`targetMs` each. */
function time(fn, targetMs = 150) {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - t > targetMs / 4 || n > 1e7) break;
    n *= 2;
  }
  n = Math.max(1, Math.round(n * 4 * (targetMs / 4) / targetMs));
  const batches = [];
  for (let b = 0; b < 7; b++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    batches.push((performance.now() - t) / n);
  }
  return batches.sort((a, b) => a - b)[3];
}

function check(label, got, want) {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${label}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// Every contender must give the right answer before it is timed.
check('totpkit code', totpkit.totpCode(SECRET, NOW), nowCode);
check('otplib code', generateSync({ secret: SECRET, epoch: NOW / 1000 }), nowCode);
check('totpkit far edge', totpkit.diagnoseCode(SECRET, farCode, NOW, { maxSteps: STEPS_24H }).stepDelta, STEPS_24H);
check('otpauth far edge', otpauthTotp.validate({ token: farCode, timestamp: NOW, window: STEPS_24H }), STEPS_24H);

const rows = [];
function row(op, contenders) {
  const t = Object.fromEntries(Object.entries(contenders).map(([k, fn]) => [k, fn ? time(fn) : null]));
  rows.push({ op, ...t });
}

row('generate one code', {
  totpkit: () => totpkit.totpCode(SECRET, NOW),
  otpauth: () => otpauthTotp.generate({ timestamp: NOW }),
  otplib: () => generateSync({ secret: SECRET, epoch: NOW / 1000 }),
});
row('verify ±1, accept', {
  totpkit: () => totpkit.verifyTotp(SECRET, nowCode, NOW),
  otpauth: () => otpauthTotp.validate({ token: nowCode, timestamp: NOW, window: 1 }),
  otplib: () => verifySync({ secret: SECRET, token: nowCode, epoch: NOW / 1000, epochTolerance: 30 }),
});
row('verify ±1, reject', {
  totpkit: () => totpkit.verifyTotp(SECRET, wrongCode, NOW),
  otpauth: () => otpauthTotp.validate({ token: wrongCode, timestamp: NOW, window: 1 }),
  otplib: () => verifySync({ secret: SECRET, token: wrongCode, epoch: NOW / 1000, epochTolerance: 30 }),
});
let otplibScan = null;
try {
  check('otplib far edge', verifySync({ secret: SECRET, token: farCode, epoch: NOW / 1000, epochTolerance: STEPS_24H * 30 }).valid, true);
  otplibScan = () => verifySync({ secret: SECRET, token: farCode, epoch: NOW / 1000, epochTolerance: STEPS_24H * 30 });
} catch (e) {
  console.log(`otplib drift scan not comparable: ${e.message}`);
}
row('drift scan ±24 h (5 761 steps, far edge)', {
  totpkit: () => totpkit.diagnoseCode(SECRET, farCode, NOW, { maxSteps: STEPS_24H }),
  otpauth: () => otpauthTotp.validate({ token: farCode, timestamp: NOW, window: STEPS_24H }),
  otplib: otplibScan,
});
let qrSvg;
QRCode.toString(URI_135, { type: 'svg', errorCorrectionLevel: 'M' }, (e, s) => { qrSvg = s; });
row('QR → SVG, 135-character URI, ECC M', {
  totpkit: () => totpkit.renderQrSvg(URI_135),
  // node-qrcode's callback API runs synchronously for SVG strings.
  qrcode: () => QRCode.toString(URI_135, { type: 'svg', errorCorrectionLevel: 'M' }, () => {}),
});

// Cold start: a fresh Node process each time, from import to the first QR SVG.
const cold = {
  totpkit: `const t=performance.now();const m=await import(${JSON.stringify(join(root, 'pkg', 'node.js'))});` +
    `const e=m.enrollment({account:'alice@example.com',issuer:'ACME Co'});if(!e.svg)throw 1;console.log(performance.now()-t)`,
  'otpauth + qrcode': `const t=performance.now();const O=await import('otpauth');const Q=(await import('qrcode')).default;` +
    `const s=new O.Secret();const u=new O.TOTP({issuer:'ACME Co',label:'alice@example.com',secret:s}).toString();` +
    `const svg=await Q.toString(u,{type:'svg'});if(!svg)throw 1;console.log(performance.now()-t)`,
};
const coldRow = { op: 'cold start: import + init + first QR' };
for (const [name, code] of Object.entries(cold)) {
  const runs = Array.from({ length: 9 }, () => Number(execFileSync('node', ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' })));
  coldRow[name] = runs.sort((a, b) => a - b)[4];
}
rows.push(coldRow);

const fmt = (ms) => (ms == null ? '—' : ms < 0.01 ? `${(ms * 1000).toFixed(2)} µs` : `${ms.toFixed(3)} ms`);
const ratio = (a, b) => (a == null || b == null ? '—' : `${(a / b).toFixed(1)}×`);
console.log(`\nnode ${process.version}, ${cpus()[0].model}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| operation | totpkit | otpauth | otplib | qrcode | otpauth+qrcode | vs otpauth | vs otplib | vs qrcode |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const tk = r.totpkit;
  console.log(`| ${r.op} | ${fmt(tk)} | ${fmt(r.otpauth)} | ${fmt(r.otplib)} | ${fmt(r.qrcode)} | ${fmt(r['otpauth + qrcode'])} | ${ratio(r.otpauth ?? r['otpauth + qrcode'], tk)} | ${ratio(r.otplib, tk)} | ${ratio(r.qrcode, tk)} |`);
}
