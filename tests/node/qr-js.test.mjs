// The browser front's QR encoder (npm/qr.js, which pages run instead of the wasm encoder) draws
// exactly what the core's encoder draws (the whole module's, which the Node entry runs): the
// same SVG, character for character, for random texts that reach every version at every level
// (the same mask chosen, the same codewords, the same drawing), and for random drawing options;
// the same errors for bad ones. The property cross-check of issue 23's rule (one specification
// per rule, tests/data/qr-cases.json, which both pass: tests/node/spec-cases.test.mjs and
// tests/core/spec_cases.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const totpkit = await import(join(root, 'pkg', 'node.js'));
const { qrSvg, qrMatrix } = await import(join(root, 'pkg', 'qr.js'));
const renderSvg = (text, { ecc } = {}) => qrSvg(text, ecc, NaN);

test('the JS encoder draws the core encoder SVG for every version and level', () => {
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
        assert.throws(() => renderSvg(text, { ecc }), { name: 'TotpkitError', code: 'QrTooLong', message: e.message });
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

test('the JS encoder draws the same matrix and SVG as the core for random options, and refuses what it refuses', () => {
  let seed = 0x1234567;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8);
  const pickOne = (list) => list[next() % list.length];
  // [accepted, refused]: a refused value one time in ten.
  const either = ([ok, bad]) => (next() % 10 ? pickOne(ok) : pickOne(bad));
  const colours = [[undefined, '#000', '#FfF', '#123456', 'black', 'darkslategray', 'transparent'], ['#12345', '#ggg', 'red', 'url(#x)', '', 'Black']];
  const zones = [[undefined, 0, 4, 64, 17], [65, -1, 1.5, Infinity]];
  const eccs = [[undefined, 'L', 'm', 'Q', 'h'], ['X', '', 'MM']];
  const titles = [undefined, '', 'ACME <Co> & "x" \'y\'', 'a\u0000b\u0007c\u007f\u0085d\ufffe\uffffe', 'Ünïcödé 名前 \u{1f600}'];
  let refused = 0;
  for (let i = 0; i < 400; i++) {
    const text = 'otpauth://totp/x?secret=' + 'A'.repeat(next() % 200);
    const o = { ecc: either(eccs), quietZone: either(zones), dark: either(colours), light: either(colours), title: pickOne(titles) };
    let expected;
    try {
      expected = totpkit.renderQrSvg(text, o);
    } catch (e) {
      refused++;
      assert.throws(() => qrSvg(text, o.ecc, o.quietZone ?? NaN, o.dark, o.light, o.title), { code: e.code, message: e.message }, JSON.stringify(o));
      continue;
    }
    assert.equal(qrSvg(text, o.ecc, o.quietZone ?? NaN, o.dark, o.light, o.title), expected, JSON.stringify(o));
    const m = qrMatrix(text, o.ecc);
    const c = totpkit.qrMatrix(text, { ecc: o.ecc });
    assert.equal(m.size, c.size);
    assert.deepEqual([...m.modules], [...c.modules]);
  }
  assert.ok(refused > 50 && refused < 250, `${refused} of 400 refused`);
});
