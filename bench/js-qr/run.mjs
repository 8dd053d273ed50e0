// The browser front's QR encoder (npm/qr.js, which pages run) beside node-qrcode and the wasm
// encoder (which the Node entry runs): a warm
// 135-character URI at ECC M, in alternating batches in one process (medians of 15 rounds), its
// first call in fresh processes, and its bytes as a page would ship it (esbuild, minified, gzip
// -9). Not a test; tests/node/qr-js.test.mjs checks that the two draw the same.
//
//   node bench/js-qr/run.mjs        (after scripts/build-pkg.sh)
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import QRCode from 'qrcode';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const totpkit = await import(join(root, 'pkg', 'node.js'));
const { qrSvg } = await import(join(root, 'pkg', 'qr.js'));
const renderSvg = (text) => qrSvg(text, undefined, NaN);
const URI = 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30';

const contenders = {
  'JS encoder (qr.js)': () => renderSvg(URI),
  'totpkit wasm': () => totpkit.renderQrSvg(URI),
  'node-qrcode': () => QRCode.toString(URI, { type: 'svg', errorCorrectionLevel: 'M' }, () => {}),
};
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (let round = -3; round < 15; round++) {
  for (const [name, run] of Object.entries(contenders)) {
    const n = 100;
    const t = performance.now();
    for (let i = 0; i < n; i++) run();
    if (round >= 0) times[name].push((performance.now() - t) / n);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ratio = (name) => median(times['node-qrcode'].map((t, i) => t / times[name][i]));

// First call in a fresh process (V8's interpreter and baseline tiers), 9 processes each.
const first = {};
for (const [name, code] of Object.entries({
  'JS encoder (qr.js)': `const { qrSvg } = await import(${JSON.stringify(join(root, 'pkg', 'qr.js'))}); const t = performance.now(); qrSvg(${JSON.stringify(URI)}, undefined, NaN); console.log(performance.now() - t);`,
  'totpkit wasm': `const m = await import(${JSON.stringify(join(root, 'pkg', 'node.js'))}); const t = performance.now(); m.renderQrSvg(${JSON.stringify(URI)}); console.log(performance.now() - t);`,
})) {
  first[name] = median(Array.from({ length: 9 }, () => Number(execFileSync('node', ['--input-type=module', '-e', code], { encoding: 'utf8' }))));
}

const bundle = buildSync({
  stdin: { contents: `import { qrSvg } from ${JSON.stringify(join(root, 'pkg', 'qr.js'))}; document.body.innerHTML = qrSvg(location.hash, undefined, NaN);`, resolveDir: here },
  bundle: true, minify: true, format: 'esm', target: 'es2022', write: false,
}).outputFiles[0].contents;

console.log(`\nQR → SVG, ${URI.length}-character URI, ECC M (node ${process.version}; medians of 15 alternating rounds)\n`);
console.log('| encoder | warm | vs node-qrcode | first call, fresh process |');
console.log('|---|---|---|---|');
for (const name of Object.keys(contenders)) {
  const f = first[name];
  console.log(`| ${name} | ${median(times[name]).toFixed(3)} ms | ${name === 'node-qrcode' ? '1×' : `${ratio(name).toFixed(2)}×`} | ${f === undefined ? '' : `${f.toFixed(2)} ms`} |`);
}
console.log(`\nqr.js as a page ships it: ${bundle.length} B minified, ${gzipSync(bundle, { level: 9 }).length} B gzip -9`);
