// The elements' languages (pkg/locales/*.js, `totpkit/elements/locales/<tag>`), loaded in Node as
// a server would import them (no DOM: registering must not throw): every module has exactly
// English's keys, and its numbers, plural forms and durations come from Intl. The test watches
// Intl while a sentence is made (Intl.PluralRules#select and Number#toLocaleString, which the
// elements' plural/unit helpers call) and compares the sentence with Intl's own output for the
// number and its plural category; sentences of one category must share one form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');
const elements = await import(pathToFileURL(join(pkg, 'elements.js')).href);
const TAGS = ['es', 'fr', 'de', 'pt-BR', 'ja', 'zh-CN', 'ko', 'ru', 'ar', 'tr'];
const locales = { en: elements.strings };
for (const tag of TAGS) locales[tag] = (await import(pathToFileURL(join(pkg, 'locales', `${tag}.js`)).href)).default;

test('the package ships exactly the locales this test knows', () => {
  const shipped = readdirSync(join(pkg, 'locales')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort();
  assert.deepEqual(shipped, [...TAGS].sort());
});

/** The shape of a strings map: each key's kind (string, function, [name, fix] pairs). */
function shape(t, at = '') {
  return Object.entries(t).flatMap(([k, v]) => {
    if (typeof v === 'string' || typeof v === 'function') return [`${at}${k}: ${typeof v}`];
    if (Array.isArray(v)) return [`${at}${k}: [${v.map((x) => typeof x).join(', ')}]`];
    return shape(v, `${at}${k}.`);
  }).sort();
}

for (const tag of TAGS) {
  test(`${tag}: every key English has, no key English lacks, each of the same kind`, () => {
    const en = shape(locales.en);
    const mine = shape(locales[tag]);
    assert.deepEqual({ missing: en.filter((k) => !mine.includes(k)), extra: mine.filter((k) => !en.includes(k)) }, { missing: [], extra: [] });
    for (const [name, fix] of Object.values(locales[tag].systems)) assert.ok(name && fix.length > 10, `${tag}: ${name}`);
    assert.ok(['ltr', 'rtl'].includes(locales[tag].dir));
  });
}

test('ar is right to left; every other language left to right', () => {
  for (const [tag, t] of Object.entries(locales)) assert.equal(t.dir, tag === 'ar' ? 'rtl' : 'ltr', tag);
});

/** Runs `make()` while recording the Intl calls it makes: [value, locale] pairs. */
function watched(make) {
  const calls = [];
  const { select } = Intl.PluralRules.prototype;
  const { toLocaleString } = Number.prototype;
  Intl.PluralRules.prototype.select = function (n) {
    calls.push([n, this.resolvedOptions().locale]);
    return select.call(this, n);
  };
  Number.prototype.toLocaleString = function (locale, options) { // eslint-disable-line no-extend-native
    calls.push([Number(this), locale]);
    return toLocaleString.call(this, locale, options);
  };
  try {
    return [make(), calls];
  } finally {
    Intl.PluralRules.prototype.select = select;
    Number.prototype.toLocaleString = toLocaleString; // eslint-disable-line no-extend-native
  }
}

const tagOf = (tag) => (tag === 'en' ? 'en' : tag);
const sameLanguage = (a, b) => a.toLowerCase().split('-')[0] === b.toLowerCase().split('-')[0];
const number = (tag, n) => new Intl.NumberFormat(tag).format(n);
const unit = (tag, n, u) => new Intl.NumberFormat(tag, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n);
// The numbers, and more, so each plural category is met more than once.
const SAID = [0, 1, 2, 5, 21];
const MORE = [3, 4, 11, 12, 22, 25, 100, 101, 102, 111, 1000];

for (const tag of ['en', ...TAGS]) {
  const t = locales[tag];
  const rules = new Intl.PluralRules(tagOf(tag));
  for (const key of ['attemptsLeft', 'retryAfter']) {
    test(`${tag}: ${key} for ${SAID.join(', ')} through Intl, one form per plural category`, () => {
      const forms = new Map();
      for (const n of [...SAID, ...MORE]) {
        const [said, calls] = watched(() => t[key](n));
        // Intl was asked about n, in this language.
        assert.ok(calls.some(([v, l]) => v === n && l && sameLanguage(l, tagOf(tag))), `${tag} ${key}(${n}) = "${said}": no Intl call for ${n} (${JSON.stringify(calls)})`);
        const category = rules.select(n);
        // Intl's number (or its unit phrase) is in the sentence, unless the language spells
        // that category out in words ("محاولتان", "ثانية واحدة").
        const spelled = ['zero', 'one', 'two'].includes(category) && !said.includes(number(tag, n));
        assert.ok(said.includes(number(tag, n)) || said.includes(unit(tag, n, 'second')) || spelled, `${tag} ${key}(${n}) = "${said}" lacks Intl's "${number(tag, n)}"`);
        if (spelled) assert.ok(!/\d/.test(said.replace(/[٠-٩]/g, '0')), `${tag} ${key}(${n}) = "${said}": a number not Intl's`);
        // One form per category: the sentence with Intl's number taken out.
        const form = said.replace(number(tag, n), '#');
        if (!forms.has(category)) forms.set(category, form);
        else assert.equal(form, forms.get(category), `${tag} ${key}(${n}): category ${category}`);
      }
      // Where the language has more than one category among these numbers, its forms may
      // differ; English must use both of its own.
      if (tag === 'en' && key === 'attemptsLeft') assert.equal(new Set(forms.values()).size, 2);
    });
  }

  test(`${tag}: the drift sentence for -90 s, +1 s and +3600 s through Intl's units`, () => {
    for (const [ms, n, u] of [[-90_000, 1.5, 'minute'], [1_000, 1, 'second'], [3_600_000, 60, 'minute']]) {
      const [said, calls] = watched(() => t.phoneClock(elements.duration(ms, t), ms > 0));
      assert.ok(calls.some(([v, l]) => v === n && sameLanguage(l, tagOf(tag))), `${tag} ${ms} ms: no Intl call for ${n} ${u}`);
      // Intl's unit phrase, or (a language whose sentence needs another grammatical case of the
      // unit, Russian's accusative) Intl's number.
      assert.ok(said.includes(unit(tag, n, u)) || said.includes(number(tag, n)), `${tag} ${ms} ms: "${said}" lacks Intl's "${unit(tag, n, u)}"`);
      // Ahead and behind are told apart.
      assert.notEqual(said, t.phoneClock(elements.duration(-ms, t), ms < 0), `${tag} ${ms} ms`);
    }
    if (tag === 'en') {
      assert.equal(t.phoneClock(elements.duration(-90_000, t), false), "Your phone's clock is about 1.5 minutes behind: set it to update automatically, then enter the new code.");
      assert.equal(t.clockOff(elements.duration(1_000, t), true), "Your computer's clock is about 1 second ahead");
    }
  });

  test(`${tag}: a server kit's resync (-120 s, +240 s) through Intl's units, ahead told from behind; the other refusals worded`, () => {
    for (const [ms, n] of [[-120_000, 2], [240_000, 4]]) {
      const [said, calls] = watched(() => t.resync(elements.duration(ms, t), ms > 0));
      assert.ok(calls.some(([v, l]) => v === n && sameLanguage(l, tagOf(tag))), `${tag} ${ms} ms: no Intl call for ${n}`);
      assert.ok(said.includes(unit(tag, n, 'minute')) || said.includes(number(tag, n)), `${tag} ${ms} ms: "${said}"`);
      assert.notEqual(said, t.resync(elements.duration(-ms, t), ms < 0), `${tag} ${ms} ms`);
      assert.notEqual(said, t.phoneClock(elements.duration(ms, t), ms > 0), `${tag}: resync asks for the next code, not a clock fix`);
    }
    for (const key of ['replayed', 'locked', 'expired']) assert.ok(t[key].length > 5 && t[key] !== t.wrongLoginCode, `${tag} ${key}`);
  });

  test(`${tag}: the settings said as a list (Intl.ListFormat)`, () => {
    const lists = [];
    const { format } = Intl.ListFormat.prototype;
    Intl.ListFormat.prototype.format = function (items) {
      const out = format.call(this, items);
      lists.push([this.resolvedOptions().locale, [...items], out]);
      return out;
    };
    let said;
    try {
      said = t.unusual('SHA256', 8, 60);
    } finally {
      Intl.ListFormat.prototype.format = format;
    }
    assert.equal(lists.length, 1, `${tag}: one list`);
    const [locale, items, out] = lists[0];
    assert.ok(sameLanguage(locale, tagOf(tag)), locale);
    assert.equal(items.length, 3);
    assert.equal(items[0], 'SHA256');
    assert.ok(items[1].includes(number(tag, 8)) && items[2].includes(number(tag, 60)), `${tag}: ${items}`);
    assert.ok(said.includes(out), `${tag}: "${said}" lacks Intl's list "${out}"`);
  });
}

test('an English page keeps its words: the exported strings are English, whatever else registered', () => {
  assert.equal(elements.strings.verify, 'Verify');
  assert.equal(elements.strings.attemptsLeft(1), '1 attempt left.');
  assert.equal(elements.strings.retryAfter(30), 'Too many attempts - try again in 30 s.');
  assert.equal(elements.duration(-90_000), '1.5 minutes');
});
