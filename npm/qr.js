// The QR code in JavaScript, for the browser front (npm/front.js): the core's encoder
// (src/qr/encode.rs) and SVG writer (src/qr/svg.rs) written the same way, so that a page draws its
// QR without the encoder in its .wasm. Measured (issue 23; README, "Size"): 3.6 KB gzip on its
// own, ~3 KB in a page beside the front, where the encoder costs the .wasm ~7 KB; 4.3-4.6x
// node-qrcode warm, the wasm encoder's speed; uqr, the smallest well-kept JS encoder, is 4.3 KB,
// and session 6 found none that holds the speed ratio, so this is hand-written. The Node, Deno,
// Bun and Workers entries keep the wasm encoder (their whole module has it; its first QR in a
// fresh process is 2-3x faster than this one's, which V8 first runs in its interpreter), and the
// core's stays the oracle: one specification, tests/data/qr-cases.json, which both pass, and a
// property cross-check (tests/node/qr-js.test.mjs: the same SVG, character for character, for
// texts that reach every version at every level, and for random drawing options).
//
// Byte mode only, as the Rust encoder: every otpauth URI needs it. Rows of 32-bit words: column x
// of row y is bit x % 32 of word y * W + x / 32. The mask choice scores eight maskings, and the
// rules along the rows are the rules down the columns of the transposed symbol (see encode.rs).
import { TotpkitError } from './error.js';

// The core's wording (src/error.rs; tests/core/spec_cases.rs compares).
const MESSAGES = {
  QrTooLong: 'text is too long for a QR code at this error-correction level',
  InvalidOptions: 'an option has the wrong type or is out of range',
};
const fail = (code) => {
  throw new TotpkitError(code, MESSAGES[code]);
};

const ECC_PER_BLOCK = [
  [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
const BLOCKS = [
  [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];
const LEVELS = 'LMQH';
const FORMAT = [1, 0, 3, 2];
// The mask patterns over 12 × 12 modules, bit x of row y (src/qr/encode.rs MASKS).
const MASKS = [
  [0x555, 0xaaa], [0xfff, 0], [0x249], [0x249, 0x924, 0x492], [0x1c7, 0x1c7, 0xe38, 0xe38],
  [0xfff, 0x041, 0x249, 0x555, 0x249, 0x041], [0xfff, 0x1c7, 0x6db, 0x555, 0xb6d, 0xc71], [0x555, 0xe38, 0xc71, 0xaaa, 0x1c7, 0x38e],
].map((period) => Array.from({ length: 12 }, (_, y) => period[y % period.length]));

const EXP = new Uint8Array(256);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i++, x = (x << 1) ^ ((x >> 7) * 0x11d)) {
  EXP[i] = x;
  LOG[x] = i;
}
const mul = (a, b) => (a && b ? EXP[(LOG[a] + LOG[b]) % 255] : 0);

const rawModules = (v) => {
  let n = (16 * v + 128) * v + 64;
  if (v >= 2) {
    const a = ((v / 7) | 0) + 2;
    n -= (25 * a - 10) * a - 55;
    if (v >= 7) n -= 36;
  }
  return n;
};
const dataCodewords = (v, l) => (rawModules(v) >> 3) - ECC_PER_BLOCK[l][v] * BLOCKS[l][v];

function popcount(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** Text → codewords with error correction, interleaved. */
function codewords(data, v, l) {
  const cap = dataCodewords(v, l);
  const bytes = [];
  const header = (4 << (v <= 9 ? 8 : 16)) | data.length;
  if (v > 9) bytes.push((header >>> 12) & 0xff);
  bytes.push((header >>> 4) & 0xff);
  let carry = header & 15;
  for (const b of data) {
    bytes.push(((carry << 4) | (b >> 4)) & 0xff);
    carry = b & 15;
  }
  bytes.push(carry << 4);
  for (let pad = 0xec; bytes.length < cap; pad ^= 0xec ^ 0x11) bytes.push(pad);
  const blocks = BLOCKS[l][v];
  const eccLen = ECC_PER_BLOCK[l][v];
  const raw = rawModules(v) >> 3;
  const shortBlocks = blocks - (raw % blocks);
  const shortData = ((raw / blocks) | 0) - eccLen;
  const div = new Uint8Array(eccLen);
  div[eccLen - 1] = 1;
  for (let i = 0, root = 1; i < eccLen; i++, root = mul(root, 2)) {
    for (let j = 0; j < eccLen; j++) div[j] = mul(div[j], root) ^ (div[j + 1] ?? 0);
  }
  const out = new Uint8Array(raw);
  for (let b = 0, at = 0; b < blocks; b++) {
    const block = bytes.slice(at, (at += shortData + (b >= shortBlocks)));
    const rem = new Uint8Array(eccLen);
    block.forEach((byte, i) => {
      out[i < shortData ? i * blocks + b : shortData * blocks + b - shortBlocks] = byte;
      const f = byte ^ rem[0];
      rem.copyWithin(0, 1);
      rem[eccLen - 1] = 0;
      for (let j = 0; j < eccLen; j++) rem[j] ^= mul(div[j], f);
    });
    rem.forEach((byte, i) => (out[cap + i * blocks + b] = byte));
  }
  return out;
}

/** The error-correction level of `ecc` ('L', 'M', 'Q' or 'H', any case; absent: 'M'), as an index
 * into LEVELS, or InvalidOptions (src/qr/mod.rs `Ecc::parse`). */
function level(ecc) {
  const l = ecc === undefined ? 1 : ecc.length === 1 ? LEVELS.indexOf(ecc.toUpperCase()) : -1;
  if (l < 0) fail('InvalidOptions');
  return l;
}

/** Text → { size, modules: Uint8Array (row-major, 1 = dark) } at `ecc` (see level), or
 * QrTooLong. */
export function qrMatrix(text, ecc) {
  const { size, W, dark } = symbol(text, ecc);
  const modules = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) modules[y * size + x] = (dark[y * W + (x >> 5)] >>> (x & 31)) & 1;
  return { size, modules };
}

/** Text → the symbol as rows of 32-bit words: { size, W (words a row), dark }. */
function symbol(text, ecc) {
  const l = level(ecc);
  const data = new TextEncoder().encode(text);
  let v = 1;
  while (v <= 40 && dataCodewords(v, l) * 8 < data.length * 8 + (v <= 9 ? 12 : 20)) v++;
  if (v > 40) fail('QrTooLong');
  const size = v * 4 + 17;
  const W = (size + 31) >> 5;
  const dark = new Int32Array(size * W);
  const fn = new Int32Array(size * W);
  const set = (x, y, on) => {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    const i = y * W + (x >> 5);
    const bit = 1 << (x & 31);
    fn[i] |= bit;
    dark[i] = on ? dark[i] | bit : dark[i] & ~bit;
  };
  const rings = (cx, cy, r, light) => {
    for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) set(cx + dx, cy + dy, !((light >> Math.max(Math.abs(dx), Math.abs(dy))) & 1));
  };
  const format = (mask) => {
    let rem = (FORMAT[l] << 3) | mask;
    const d = rem;
    for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    const bits = ((d << 10) | rem) ^ 0x5412;
    const bit = (i) => (bits >> i) & 1;
    for (let i = 0; i <= 5; i++) set(8, i, bit(i));
    set(8, 7, bit(6));
    set(8, 8, bit(7));
    set(7, 8, bit(8));
    for (let i = 9; i < 15; i++) set(14 - i, 8, bit(i));
    for (let i = 0; i < 8; i++) set(size - 1 - i, 8, bit(i));
    for (let i = 8; i < 15; i++) set(8, size - 15 + i, bit(i));
    set(8, size - 8, 1);
  };
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  rings(3, 3, 4, 0b10100);
  rings(size - 4, 3, 4, 0b10100);
  rings(3, size - 4, 4, 0b10100);
  const count = v === 1 ? 0 : ((v / 7) | 0) + 2;
  const step = v === 32 ? 26 : ((((v * 4 + count * 2 + 1) / (count * 2 - 2)) | 0) * 2);
  const at = (i) => (i === 0 ? 6 : v * 4 + 10 - (count - 1 - i) * step);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      if (!((i === 0 && (j === 0 || j === count - 1)) || (i === count - 1 && j === 0))) rings(at(i), at(j), 2, 0b10);
    }
  }
  format(0);
  if (v >= 7) {
    let rem = v;
    for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >> 11) * 0x1f25);
    const bits = (v << 12) | rem;
    for (let i = 0; i < 18; i++) {
      const a = size - 11 + (i % 3);
      const b = (i / 3) | 0;
      set(a, b, (bits >> i) & 1);
      set(b, a, (bits >> i) & 1);
    }
  }
  // The codewords, in the two-column zigzag from the bottom right.
  const words = codewords(data, v, l);
  const total = words.length * 8;
  for (let right = size - 1, i = 0; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let vert = 0; vert < size; vert++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = upward ? size - 1 - vert : vert;
        const k = y * W + (x >> 5);
        if (((fn[k] >>> (x & 31)) & 1) === 0 && i < total) {
          if ((words[i >> 3] >> (7 - (i & 7))) & 1) dark[k] |= 1 << (x & 31);
          i++;
        }
      }
    }
  }
  // The mask of lowest penalty, the first of equals.
  const valid = new Int32Array(W).map((_, w) => (size - 32 * w >= 32 ? -1 : (1 << (size - 32 * w)) - 1));
  const transpose = (rows) => {
    const out = new Int32Array(size * W);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((rows[y * W + (x >> 5)] >>> (x & 31)) & 1) out[x * W + (y >> 5)] |= 1 << (y & 31);
    return out;
  };
  const fnT = transpose(fn);
  const darkT = transpose(dark);
  const masked = new Int32Array(size * W);
  const maskedT = new Int32Array(size * W);
  // (Plain loops and variables here and below, no destructuring or arrays made per step: a page's
  // first QR runs in V8's interpreter, where those cost tens of operations each.)
  const sync = (x, y) => {
    const k = x * W + (y >> 5);
    darkT[k] = (dark[y * W + (x >> 5)] >>> (x & 31)) & 1 ? darkT[k] | (1 << (y & 31)) : darkT[k] & ~(1 << (y & 31));
  };
  let lowest = Infinity;
  let mask = 0;
  for (let m = 0; m < 8; m++) {
    format(m);
    for (let i = 0; i < size; i++) {
      sync(i, 8);
      sync(8, i);
    }
    maskInto(masked, dark, fn, size, W, m, false);
    maskInto(maskedT, darkT, fnT, size, W, m, true);
    const penalty = linesDown(masked, size, W, valid) + linesDown(maskedT, size, W, valid) + blocksAndBalance(masked, size, W, valid);
    if (penalty < lowest) {
      lowest = penalty;
      mask = m;
    }
  }
  maskInto(dark, dark.slice(), fn, size, W, mask, false);
  format(mask);
  return { size, W, dark };
}

/** `out` = `dark` with mask `mask` inverting every module that is not a function module. */
function maskInto(out, dark, fn, size, W, mask, transposed) {
  const tile = MASKS[mask];
  for (let y = 0; y < size; y++) {
    let twelve = 0;
    if (transposed) for (let j = 0; j < 12; j++) twelve |= ((tile[j] >> (y % 12)) & 1) << j;
    else twelve = tile[y % 12];
    for (let w = 0; w < W; w++) {
      const phase = (w * 32) % 12;
      const pattern = Math.imul(((twelve >>> phase) | (twelve << (12 - phase))) & 0xfff, 0x01001001);
      const k = y * W + w;
      out[k] = dark[k] ^ (pattern & ~fn[k]);
    }
  }
}

/** N1 (lines of five or more of one colour) and N3 (finder-like patterns) down the columns. */
function linesDown(rows, size, W, valid) {
  let penalty = 0;
  const win = new Int32Array(15);
  for (let w = 0; w < W; w++) {
    const columns = valid[w];
    win.fill(0);
    for (let i = 4; i < 15; i++) win[i] = i - 4 < size ? rows[(i - 4) * W + w] : 0;
    let above = 0;
    for (let y = 0; y < size; y++) {
      const run = y + 4 < size ? columns & ~(win[4] ^ win[5]) & ~(win[5] ^ win[6]) & ~(win[6] ^ win[7]) & ~(win[7] ^ win[8]) : 0;
      penalty += popcount(run) + 2 * popcount(run & ~above);
      above = run;
      const core = columns & win[4] & ~win[5] & win[6] & win[7] & win[8] & ~win[9] & win[10];
      penalty += 40 * (popcount(core & ~(win[0] | win[1] | win[2] | win[3])) + popcount(core & ~(win[11] | win[12] | win[13] | win[14])));
      win.copyWithin(0, 1);
      win[14] = y + 11 < size ? rows[(y + 11) * W + w] : 0;
    }
  }
  return penalty;
}

/** N2 (2×2 blocks of one colour) and N4 (the dark share's distance from half). */
function blocksAndBalance(rows, size, W, valid) {
  let penalty = 0;
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let w = 0; w < W; w++) {
      const k = y * W + w;
      const here = rows[k];
      dark += popcount(here & valid[w]);
      if (y + 1 === size) continue;
      const nextHere = w + 1 < W ? rows[k + 1] : 0;
      const down = ~(here ^ rows[k + W]) & valid[w];
      const downNext = w + 1 < W ? ~(nextHere ^ rows[k + W + 1]) & valid[w + 1] : 0;
      const along = ~(here ^ ((here >>> 1) | (nextHere << 31)));
      penalty += 3 * popcount(down & ((down >>> 1) | (downNext << 31)) & along);
    }
  }
  const total = size * size;
  const k = Math.ceil(Math.abs(dark * 20 - total * 10) / total);
  return penalty + 10 * Math.max(k - 1, 0);
}

// Colours besides #rgb and #rrggbb: a closed list, so no option can put markup, a url(...)
// reference or CSS into the SVG (src/qr/svg.rs NAMED_COLOURS).
const NAMED = 'black white transparent navy darkblue darkgreen darkred maroon purple teal indigo darkslategray'.split(' ');
const colour = (c, fallback) => {
  if (c === undefined) return fallback;
  if (!/^#([0-9a-f]{3}){1,2}$/i.test(c) && !NAMED.includes(c)) fail('InvalidOptions');
  return c;
};
// XML-escaped for attributes and content; control characters (Cc), U+FFFE and U+FFFF dropped, as
// no XML parser accepts them (src/qr/svg.rs push_escaped).
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (t) => t.replace(/[\0-\x1f\x7f-\x9f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The drawing options checked (the core's rules; InvalidOptions): [quiet zone, dark, light]. */
export function svgOptions(ecc, quietZone, dark, light) {
  level(ecc);
  const q = quietZone === quietZone ? quietZone : 4;
  if (!(q >= 0 && q <= 64 && q % 1 === 0)) fail('InvalidOptions');
  return [q, colour(dark, '#000'), colour(light, '#fff')];
}

/** The QR of `text` as a standalone <svg>, as the core draws it (src/qr/svg.rs): `ecc` (see
 * level), `quietZone` (a whole number of modules 0-64; NaN: 4), `dark` and `light` (see colour),
 * `title` (an accessible name). The arguments are typed by the front (strings or undefined). */
export function qrSvg(text, ecc, quietZone, dark, light, title) {
  const [q, fg, bg] = svgOptions(ecc, quietZone, dark, light);
  const { size, W, dark: rows } = symbol(text, ecc);
  const full = size + q * 2;
  let d = '';
  let penX = -1;
  let penY = 0;
  // The runs of dark modules, found a word at a time (the interpreter that runs a page's first QR
  // pays per operation): the next dark module at or after x, then the next light one.
  const next = (y, x, want) => {
    let w = x >> 5;
    let bits = (want ? rows[y * W + w] : ~rows[y * W + w]) & (-1 << (x & 31));
    while (!bits && ++w < W) bits = want ? rows[y * W + w] : ~rows[y * W + w];
    return bits ? Math.min(w * 32 + 31 - Math.clz32(bits & -bits), size) : size;
  };
  for (let y = 0; y < size; y++) {
    for (let x = next(y, 0, true); x < size; ) {
      const end = next(y, x, false);
      const sx = x + q;
      const sy = y + q;
      d += penX < 0 ? 'M' + sx + ' ' + sy + '.5h' + (end - x) : 'm' + (sx - penX) + ' ' + (sy - penY) + 'h' + (end - x);
      penX = sx + end - x;
      penY = sy;
      x = next(y, end, true);
    }
  }
  const name = title === undefined ? '>' : ` role="img" aria-label="${escape(title)}"><title>${escape(title)}</title>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges"${name}<path fill="${bg}" d="M0 0h${full}v${full}H0z"/><path stroke="${fg}" d="${d}"/></svg>`;
}
