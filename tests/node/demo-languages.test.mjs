// The demo page's own words (www/lang/<tag>.js): the same languages as the elements' locales,
// each with exactly English's keys and kinds (text, function, [before, inner, after] with the
// same kept children), and every function answering text in its language's plural forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'www', 'lang');
const load = async (tag) => (await import(pathToFileURL(join(dir, `${tag}.js`)).href)).default;
const en = await load('en');
const kind = (v) => (Array.isArray(v) ? `[${v.map((x) => (x === null ? 'kept' : typeof x)).join(', ')}]` : typeof v);

test('the demo speaks the languages the elements ship', () => {
  const demo = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
  const elements = readdirSync(join(root, 'npm', 'locales')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
  assert.deepEqual(demo, ['en', ...elements].sort());
});

for (const file of readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'en.js')) {
  const tag = file.slice(0, -3);
  test(`${tag}: English's keys, no others, each of the same kind; every word is text`, async () => {
    const words = await load(tag);
    const shape = (t) => Object.entries(t).map(([k, v]) => `${k}: ${kind(v)}`).sort();
    const [mine, theirs] = [shape(words), shape(en)];
    assert.deepEqual({ missing: theirs.filter((k) => !mine.includes(k)), extra: mine.filter((k) => !theirs.includes(k)) }, { missing: [], extra: [] });
    const rules = new Intl.PluralRules(tag);
    const plural = (n, forms) => (forms[rules.select(n)] ?? forms.other).replace('#', n.toLocaleString(tag));
    // Each function with the parts the page passes (i18n.js's t() adds `plural` last).
    const parts = {
      title: () => ['Log in'],
      'recovery.file': () => ['alice@example.com', 'k3m9x-7qp2a\nabcde-fghjk'],
      downloaded: () => ['totpkit-demo-recovery-codes.txt'],
      'welcome.codesLeft': (n) => [n],
      holdForm: (n) => [n],
      computerOff: () => [words.offset('5 min', true, plural)],
      offset: (n) => ['5 min', n % 2 === 0],
      phoneWrong: (n) => [n % 2 === 0],
      'error.other': () => ['HTTP 500'],
    };
    for (const [key, value] of Object.entries(words)) {
      if (typeof value !== 'function') continue;
      assert.ok(parts[key], `no sample parts for ${key}`);
      for (const n of [0, 1, 2, 5, 21]) {
        const said = value(...parts[key](n), plural);
        assert.equal(typeof said, 'string', `${tag} ${key}`);
        assert.ok(said.length > 0 && !said.includes('undefined') && !said.includes('#') && !said.includes('[object'), `${tag} ${key}(${n}): ${said}`);
        if (key === 'welcome.codesLeft' || key === 'holdForm') {
          // The count as Intl writes it, unless the language spells that category out.
          assert.ok(said.includes(n.toLocaleString(tag)) || ['zero', 'one', 'two'].includes(rules.select(n)), `${tag} ${key}(${n}): ${said}`);
        }
      }
    }
  });
}
