// The JavaScript QR encoder experiment (bench/js-qr/qr.mjs, not part of the package) draws exactly
// what the package's encoder draws, so what bench/js-qr/run.mjs measures for it is a working
// encoder: the same SVG, character for character, for random texts that reach every version at
// every level (the same mask chosen, the same codewords, the same drawing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const totpkit = await import(join(root, 'pkg', 'node.js'));
const { renderSvg } = await import(join(root, 'bench', 'js-qr', 'qr.mjs'));

test('the JS encoder experiment draws the package encoder SVG for every version and level', () => {
  let seed = 0x2545f491;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  const versions = new Set();
  let compared = 0;
  for (let len = 1; len <= 2953; len += 23) {
    for (const ecc of ['L', 'M', 'Q', 'H']) {
      // Printable ASCII with some multi-byte characters: the byte count is what sizes the symbol.
      const text = Array.from({ length: len }, () => (next() % 40 === 0 ? 'é' : String.fromCharCode(32 + (next() % 95)))).join('');
      let expected;
      try {
        expected = totpkit.renderQrSvg(text, { ecc });
      } catch (e) {
        assert.equal(e.code, 'QrTooLong');
        assert.throws(() => renderSvg(text, { ecc }), RangeError);
        continue;
      }
      assert.equal(renderSvg(text, { ecc }), expected, `${len} characters at ${ecc}`);
      versions.add(Number(/viewBox="0 0 (\d+)/.exec(expected)[1]));
      compared++;
    }
  }
  assert.equal(versions.size, 40, 'every version compared');
  assert.ok(compared > 300, `${compared} symbols compared`);
});
