// What a typed code may look like, in JS: the rule of the core's `Code::parse` (src/hotp.rs),
// for pages that must not load the wasm to read a form field (a login page's
// <totp-code-field>). One specification: tests/data/code-cases.json, which the core and this
// module both pass, a property cross-check of the two on generated text
// (tests/core/spec_cases.rs), and one Unicode table, written into both by
// scripts/unicode-digits.mjs (which `--check`s both).
import { failer } from './args.js';

// The zero of every run of ten decimal digits (Unicode's general category Nd), as the distance
// from the previous zero in base 36: Unicode 17.0 (node scripts/unicode-digits.mjs).
const DELTAS = '1c 180 40 5s bq 3k 3k 3k 3k 3k 3k 3k 3k 3k 2y 3k 28 80 28 1g0 1c 8m 3u 4w g 5c 2o 40 g r80 j4 1c 5s w 2o bk gf4 13k 1ow g me 3u 1y 4a 80 9s 3k ao 34 g a 2e c0 34 io 2o 74 28 1s a8 d0g 1tc 2o 40 f4 iv4 25a a a a a 1u2 c0 e8 75 nz 3og';
let zero = 0;
const ZEROS = DELTAS.split(' ').map((d) => (zero += parseInt(d, 36)));
// Dropped wherever they are: spaces and tabs, the no-break spaces copied text carries (U+00A0,
// U+2007, U+202F, U+3000), hyphens and dashes (U+2010–U+2015, U+2212 minus, U+FF0D).
const SEPARATOR = /[ \t\u00a0\u2007\u202f\u3000\u2010-\u2015\u2212\uff0d-]/;
const MAX_TEXT = 65_536;

const MESSAGES = {
  InvalidCode: 'code must be the expected number of digits',
  InvalidDigits: 'digits must be 6, 7 or 8',
};
const fail = failer(MESSAGES);

/**
 * A typed code as plain ASCII digits: separators dropped, any script's decimal digits read as
 * their values. `digits` (6–8) is the count it must have; absent, any 6–8. Anything else is
 * InvalidCode (InvalidDigits for a bad `digits`).
 */
export function normalizeCode(typed, digits) {
  if (typeof typed !== 'string' || typed.length > MAX_TEXT) fail('InvalidCode');
  if (digits != null && (typeof digits !== 'number' || !(digits >= 6 && digits <= 8) || digits % 1)) fail('InvalidDigits');
  let out = '';
  for (const c of typed) {
    if (SEPARATOR.test(c)) continue;
    const cp = c.codePointAt(0);
    // The last zero at or below the character; it is a digit when it lies within ten of it.
    let z = ZEROS.length;
    while (z-- && ZEROS[z] > cp);
    if (z < 0 || cp - ZEROS[z] > 9 || out.length === 8) fail('InvalidCode');
    out += cp - ZEROS[z];
  }
  if (digits == null ? out.length < 6 : out.length !== digits) fail('InvalidCode');
  return out;
}
