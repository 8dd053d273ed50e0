// The demo's language: the browser's first language the demo has (navigator.languages, exact tag
// first, then by prefix: pt-PT reads pt-BR, zh-TW zh-CN), until the visitor picks another in the
// header; the pick is kept for the next visit. Setting it loads the page's own words
// (www/lang/<tag>.js) and the elements' (the package's /pkg/locales/<tag>.js: importing one is
// all it takes), sets <html lang> and dir (the elements follow lang by themselves), and puts the
// words into every [data-i18n] element; steps that wrote a sentence of their own re-write it
// through onLanguage().
import en from './lang/en.js';

/** The languages, each by its own name. */
export const LANGUAGES = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  'pt-BR': 'Português (Brasil)',
  ja: '日本語',
  'zh-CN': '简体中文',
  ko: '한국어',
  ru: 'Русский',
  ar: 'العربية',
  tr: 'Türkçe',
};
const KEY = 'totpkit-demo-language';

let words = en;
let tag = 'en';
let rules = new Intl.PluralRules('en');
const listeners = [];

/** The current language's tag. */
export const language = () => tag;

/** `forms` for n's plural category in this language, `#` replaced by n as Intl writes it. */
export const plural = (n, forms) => (forms[rules.select(n)] ?? forms.other).replace('#', n.toLocaleString(tag));

/** The word for `key` in the current language (English when it has none), with its parts (a
 * function also gets `plural` last). */
export function t(key, ...parts) {
  const value = words[key] ?? en[key];
  return typeof value === 'function' ? value(...parts, plural) : value;
}

/** Writes t(key, ...parts) into `el` and keeps key and parts on it, so a change of language
 * writes it again; no key empties it. */
export function say(el, key, ...parts) {
  if (!key) {
    delete el.dataset.i18n;
    delete el.dataset.parts;
    el.textContent = '';
    return;
  }
  el.dataset.i18n = key;
  el.dataset.parts = JSON.stringify(parts);
  put(el, t(key, ...parts));
}

/** Calls fn(tag) after every change of language, to re-write what a step wrote itself. */
export function onLanguage(fn) {
  listeners.push(fn);
}

/** The best of `wanted` (the browser's languages) the demo speaks: exact, then by prefix. */
export function preferred(wanted = navigator.languages || [navigator.language]) {
  const tags = Object.keys(LANGUAGES);
  const lower = (s) => s.toLowerCase();
  for (const want of wanted) {
    const exact = tags.find((t2) => lower(t2) === lower(want));
    const prefix = tags.find((t2) => lower(t2.split('-')[0]) === lower(want.split('-')[0]));
    if (exact || prefix) return exact || prefix;
  }
  return 'en';
}

/** Puts a word into an element: text, or [before, inner, after] around its one child. */
function put(el, value) {
  if (!Array.isArray(value)) {
    el.textContent = value;
    return;
  }
  const [before, inner, after] = value;
  const child = el.firstElementChild;
  if (inner !== null) child.textContent = inner;
  el.replaceChildren(before, child, after);
}

/** Switches the page to `next` (a key of LANGUAGES). */
export async function setLanguage(next, { remember = false } = {}) {
  const [mine, theirs] = next === 'en'
    ? [en, null]
    : await Promise.all([import(`./lang/${next}.js`), import(`/pkg/locales/${next}.js`)]).then(([m, p]) => [m.default, p.default]);
  words = mine;
  tag = next;
  rules = new Intl.PluralRules(next);
  const root = document.documentElement;
  root.lang = next;
  // The direction is the elements' locale's (its `dir`): one owner for it.
  root.dir = theirs ? theirs.dir : 'ltr';
  for (const el of document.querySelectorAll('[data-i18n]')) put(el, t(el.dataset.i18n, ...JSON.parse(el.dataset.parts || '[]')));
  const picker = document.getElementById('language');
  picker.value = next;
  if (remember) {
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Storage may be off: the pick lasts this page.
    }
  }
  for (const fn of listeners) fn(next);
}

/** Fills the picker and sets the first language: the visitor's pick, else the browser's. */
export async function setupLanguage() {
  const picker = document.getElementById('language');
  picker.replaceChildren(...Object.entries(LANGUAGES).map(([value, name]) => Object.assign(document.createElement('option'), { value, textContent: name, lang: value })));
  picker.addEventListener('change', () => setLanguage(picker.value, { remember: true }).catch(() => setLanguage('en')));
  picker.closest('.language').hidden = false;
  let saved = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    // No storage: the browser's languages decide.
  }
  // A language that cannot load (its module missing from this build) leaves the page in English
  // rather than without steps.
  await setLanguage(saved in LANGUAGES ? saved : preferred()).catch(() => setLanguage('en'));
}
