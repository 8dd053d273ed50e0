// The interop corpus: cases taken from other projects' published tests and docs (one JSON file
// per project in this folder, each case naming the file or page it comes from), run through the
// BUILT package in Node. A case's `expect` is what totpkit does; where that differs from the
// source project on purpose, the case also carries `peer` (what the project expects) and a
// `divergence` note, and the README's "Compatibility" section lists the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
import { tk } from '../package/load.mjs';

const KINDS = new Set(['totp', 'hotp', 'verify', 'parse', 'build']);
const sources = readdirSync(here)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...JSON.parse(readFileSync(join(here, file), 'utf8')) }));

/** Base32 as totpkit returns it: uppercase, no spaces, hyphens or padding. */
const b32 = (s) => s.replace(/[\s=-]/g, '').toUpperCase();

function run(c) {
  const i = c.input;
  const params = { algorithm: i.algorithm, digits: i.digits, period: i.period };
  for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
  switch (c.kind) {
    case 'totp':
      return { code: tk.totpCode(i.secret, i.timeMs, params) };
    case 'hotp':
      delete params.period;
      return { code: tk.hotpCode(i.secret, i.counter, params) };
    case 'verify': {
      const r = tk.verifyTotp(i.secret, i.code, i.timeMs, { ...params, window: i.window });
      return { delta: r.valid ? r.delta : null };
    }
    case 'parse':
      return tk.parseOtpauthUri(i.uri);
    case 'build':
      return { uri: tk.buildOtpauthUri(i.options) };
  }
  throw new Error(`unknown kind ${c.kind}`);
}

function check(c) {
  const want = c.expect;
  if ('error' in want) {
    assert.throws(
      () => run(c),
      (e) => e?.name === 'TotpkitError' && e.code === want.error,
      `expected TotpkitError ${want.error}`,
    );
    return;
  }
  const got = run(c);
  for (const [key, value] of Object.entries(want)) {
    if (key === 'secret') assert.equal(got.secret, b32(value), 'secret');
    else if (value === null) assert.ok(got[key] === undefined || got[key] === null, `${key}: ${got[key]}`);
    else assert.deepEqual(got[key], value, key);
  }
  if (c.kind === 'parse' && got.type === 'totp') assert.equal(got.counter, undefined, 'counter on a totp key');
}

test('the corpus is well-formed and names its sources', () => {
  const ids = new Set();
  let total = 0;
  for (const s of sources) {
    assert.ok(s.project && /^https:\/\//.test(s.repository), `${s.file}: project and repository`);
    assert.ok(Array.isArray(s.cases) && s.cases.length > 0, `${s.file}: cases`);
    for (const c of s.cases) {
      assert.ok(c.id && !ids.has(c.id), `${s.file}: duplicate or missing id ${c.id}`);
      ids.add(c.id);
      assert.ok(c.file, `${c.id}: names the file or page it comes from`);
      assert.ok(KINDS.has(c.kind), `${c.id}: kind ${c.kind}`);
      assert.ok(c.input && c.expect, `${c.id}: input and expect`);
      // A divergence says what the peer does and why totpkit differs.
      assert.equal('divergence' in c, 'peer' in c, `${c.id}: divergence and peer go together`);
      if (c.divergence) assert.ok(c.divergence.length > 20, `${c.id}: a reason, not a word`);
    }
    total += s.cases.length;
  }
  assert.ok(sources.length >= 10, `${sources.length} sources`);
  assert.ok(total >= 500, `${total} cases`);
});

for (const s of sources) {
  test(`${s.project} (${s.file}): ${s.cases.length} cases`, () => {
    const failures = [];
    for (const c of s.cases) {
      try {
        check(c);
      } catch (e) {
        failures.push(`${c.id} [${c.file}${c.test ? ` ${c.test}` : ''}]: ${e.message.split('\n')[0]}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${s.cases.length} cases differ`);
  });
}
