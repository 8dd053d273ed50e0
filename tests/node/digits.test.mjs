// Codes typed in any script's digits, through the built package (normalizeCode and verifyTotp,
// which run the core's parser), against this Node's own Unicode data: the property \p{Nd} of
// V8's regular expressions (Unicode process.versions.unicode, 17.0 in Node 20.20: the version
// of the core's table). Every code point is tried; tests/core/digits.rs does the same against
// Python's unicodedata (an older Unicode) and says which digits are newer than it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tk } from '../package/load.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const nd = /^\p{Nd}$/u;
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test(`every \\p{Nd} code point of Unicode ${process.versions.unicode} reads as its digit, and no other does`, () => {
  let digits = 0;
  let zero = -1;
  for (let c = 0; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const ch = String.fromCodePoint(c);
    let got;
    try {
      got = tk.normalizeCode(`12345${ch}`, 6);
    } catch (e) {
      assert.equal(e.code, 'InvalidCode', `U+${c.toString(16)}`);
      got = null;
    }
    if (nd.test(ch)) {
      // Runs of ten, 0 to 9: a digit's value is its distance from its run's zero, which is the
      // first \p{Nd} after a code point that is not one (or ten after the last zero).
      if (!nd.test(String.fromCodePoint(c - 1)) || c - zero === 10) zero = c;
      assert.equal(got, `12345${c - zero}`, `U+${c.toString(16)}`);
      digits += 1;
    } else if (got !== null) {
      // Separators (spaces, dashes) drop out, leaving five digits: never six.
      assert.fail(`U+${c.toString(16)} (${ch}) is not a decimal digit, but ${got}`);
    }
  }
  assert.equal(digits, 770);
});

test('verifyTotp, diagnoseCode and normalizeCode take Arabic-Indic, Persian, Devanagari, full-width and mixed digits', () => {
  // RFC 6238 Appendix B, SHA1 at 59 s: 94287082.
  const as = (zero, code) => code.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
  for (const typed of [as(0x660, '9428 7082'), as(0x6f0, '94287082'), as(0x966, '9428-7082'), as(0xff10, '9428 7082'), `٩4२８${as(0xe50, '7082')}`]) {
    assert.equal(tk.normalizeCode(typed, 8), '94287082', typed);
    assert.deepEqual(tk.verifyTotp(RFC_SECRET, typed, 59_000, { digits: 8 }), { valid: true, delta: 0, step: 1 }, typed);
    assert.equal(tk.diagnoseCode(RFC_SECRET, typed, 59_000, { digits: 8 }).kind, 'current', typed);
  }
  for (const bad of ['١٢٣٤٥', '١٢٣٤٥x', '12345²', '12345①', '12345Ⅷ', '12345½', '١٢٣.٤٥٦']) {
    assert.throws(() => tk.normalizeCode(bad, 6), { code: 'InvalidCode' }, bad);
  }
});

test("the core's table is this Node's Unicode (scripts/unicode-digits.mjs --check)", () => {
  const out = execFileSync(process.execPath, [join(root, 'scripts', 'unicode-digits.mjs'), '--check'], { encoding: 'utf8' });
  assert.match(out, /their digit tables are Unicode [\d.]+'s \\p\{Nd\} \(77 runs of ten\)/);
});
