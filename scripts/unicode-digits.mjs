// Prints the core's tables of Unicode decimal digits (src/hotp.rs, DIGIT_ZEROS_*, and the same
// zeros for the JS rule in npm/code.js, DELTAS) from this Node's
// own Unicode data: the regular expression property \p{Nd} (general category Nd), V8's ICU, whose
// version is process.versions.unicode. Unicode encodes every decimal digit in runs of ten, 0 to 9
// (its stability policy for Numeric_Type=Decimal), so each run is its zero's code point.
// `node scripts/unicode-digits.mjs` prints the Rust constants and the JS string; `--check`
// compares them with src/hotp.rs and npm/code.js and fails when either differs
// (tests/node/digits.test.mjs checks the built package).
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const nd = /^\p{Nd}$/u;
const zeros = [];
for (let c = 0; c <= 0x10ffff; c++) {
  if (c >= 0xd800 && c <= 0xdfff) continue;
  if (!nd.test(String.fromCodePoint(c))) continue;
  if (c === 0 || !nd.test(String.fromCodePoint(c - 1)) || (c - zeros.at(-1)) % 10 === 0) zeros.push(c);
}
for (const z of zeros) {
  for (let d = 0; d < 10; d++) if (!nd.test(String.fromCodePoint(z + d))) throw new Error(`U+${z.toString(16)}: not a run of ten`);
}
// Two tables of 16-bit numbers, half the bytes of one of u32: the Basic Multilingual Plane's
// zeros, then plane 1's less 0x10000 (no other plane has digits; the check below says so).
if (zeros.some((z) => z >= 0x20000)) throw new Error('a digit beyond plane 1: the table needs another row');
const hex = (c) => `0x${c.toString(16).toUpperCase()}`;
const rows = (list) => {
  const lines = [];
  for (let i = 0; i < list.length; i += 8) lines.push(`    ${list.slice(i, i + 8).map(hex).join(', ')},`);
  return lines.join('\n');
};
const bmp = zeros.filter((z) => z < 0x10000);
const smp = zeros.filter((z) => z >= 0x10000).map((z) => z - 0x10000);
const table = `const DIGIT_ZEROS_BMP: [u16; ${bmp.length}] = [\n${rows(bmp)}\n];\nconst DIGIT_ZEROS_SMP: [u16; ${smp.length}] = [\n${rows(smp)}\n];`;
const version = `Unicode ${process.versions.unicode}`;
// npm/code.js: each zero as its distance from the previous one, base 36, space-separated.
const deltas = zeros.map((z, i) => (z - (zeros[i - 1] ?? 0)).toString(36)).join(' ');
const js = `const DELTAS = '${deltas}';`;

if (process.argv.includes('--check')) {
  const src = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'hotp.rs'), 'utf8');
  const read = (name) => src.match(new RegExp(`const ${name}: \\[u16; \\d+\\] = \\[([^\\]]*)\\]`))?.[1].match(/0x[0-9A-F]+/gi).map(Number) || [];
  const found = [...read('DIGIT_ZEROS_BMP'), ...read('DIGIT_ZEROS_SMP').map((z) => z + 0x10000)];
  if (String(found) !== String(zeros)) {
    console.error(`src/hotp.rs's DIGIT_ZEROS_* differ from ${version}'s \\p{Nd}; it should be (then cargo fmt):\n${table}`);
    process.exit(1);
  }
  const code = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'npm', 'code.js'), 'utf8');
  if (!code.includes(js)) {
    console.error(`npm/code.js's DELTAS differ from ${version}'s \\p{Nd}; it should be:\n${js}`);
    process.exit(1);
  }
  console.log(`src/hotp.rs and npm/code.js: their digit tables are ${version}'s \\p{Nd} (${zeros.length} runs of ten)`);
} else {
  console.log(`// ${version}, ${zeros.length} runs of ten (node scripts/unicode-digits.mjs; then cargo fmt)\n${table}\n// npm/code.js\n${js}`);
}
