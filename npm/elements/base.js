// What the elements of totpkit/elements share (npm/elements.js): languages (`locale`,
// `strings`), the stylesheet, the DOM helpers, the base classes, and the wasm front, loaded on
// first need. Not an entry point: each element is (elements/code-field.js, clock-check.js,
// enrollment.js), and `totpkit/elements` is all three.
//
// Pay for what you use: nothing here loads the wasm. A login page (a code field and a clock
// banner) runs on the JS rules of ../code.js and ../clock.js; the wasm front (HMAC, QR, URI
// parsing) is imported the first time an element needs it (`front()`: the whole module): a code
// field given the enrollment's `uri` to diagnose refused codes, or <totp-enrollment>'s preview or
// diagnosis (it draws its QR with the QR module first: elements/enrollment.js). Bundlers put
// those imports in chunks of their own, which a page without them never fetches.
import { normalizeCode } from '../code.js';

/** Intl for one language: what every language's sentences use for numbers, plural forms,
 * units and lists, so none of them is built by string concatenation. Three functions:
 * - plural(n, forms): `forms[category of n]` (Intl.PluralRules; `other` when the category has
 *   no form of its own), its `#` replaced by n as Intl.NumberFormat writes it;
 * - unit(n, unit): n with a unit in words, unit(90, 'second') "90 seconds" (style unit, long);
 * - list(items, options?): a list as the language says it (Intl.ListFormat; "a, b and c"). */
const intl = (tag, rules = new Intl.PluralRules(tag)) => [
  (n, forms) => (forms[rules.select(n)] ?? forms.other).replace('#', n.toLocaleString(tag)),
  (n, unit) => n.toLocaleString(tag, { style: 'unit', unit, unitDisplay: 'long' }),
  (items, options) => new Intl.ListFormat(tag, options).format(items),
];

/** The registered languages by lower-case tag, and each primary subtag's first (or own). */
const locales = {};
const names = 'totp-enrollment,totp-code-field,totp-clock-check';

/** Registers a language's sentences: `locales/<tag>.js` calls it on import, so importing one is
 * all a page does. `make` gets Intl for `tag` (plural, unit, list: see intl) and returns the
 * full map, every key of `strings`. The elements whose language this is render again; from the
 * first call on, so do the elements under a `lang` that changes. Returns the map. (A page that
 * registers no language ships none of this: bundlers drop it.) */
export function locale(tag, make) {
  const t = make(...intl(tag));
  const [key, prefix] = [tag.toLowerCase(), tag.split('-')[0].toLowerCase()];
  const first = locales[prefix];
  // pt-PT is read as pt, else as the first pt-* registered: each primary subtag's entry comes
  // after the tags it prefixes, since pick takes the first that matches.
  delete locales[prefix];
  locales[key] = t;
  locales[prefix] = key === prefix || !first ? t : first;
  if (globalThis.document) {
    const redo = (test) => document.querySelectorAll(names).forEach((el) => test(el) && el.render());
    redo((el) => pick(el) === t);
    // From now on a `lang` that changes re-renders the elements under it (once per page).
    locale.watch ||= new MutationObserver((changes) => redo((el) => changes.some((c) => c.target.contains(el))));
    locale.watch.observe(document, { subtree: true, attributeFilter: ['lang'] });
  }
  return t;
}

/** The sentences for `el`: its language as CSS `:lang()` reads it (the element's `lang`, else
 * the nearest ancestor's, across shadow roots, else the document's), a registered tag before
 * its primary subtag (`locale` keeps them in that order); else English. */
const pick = (el) => locales[Object.keys(locales).find((tag) => el.matches(`:lang(${tag})`))] ?? strings;

/** English sentences made with Intl for English: `make(plural, unit, list, seconds, digits)`. */
export const englishFor = (make) => {
  const [plural, unit, list] = intl('en');
  return make(plural, unit, list, (n) => plural(n, { other: '# s' }), (n) => plural(n, { one: '# digit', other: '# digits' }));
};

/** Every sentence the elements show, in English. Functions take the parts that vary. Plain
 * ASCII on purpose: bundlers escape other characters, which costs bytes. Two groups are added
 * when they load, so a page that never shows them does not ship them: the enrollment's own
 * (elements/enrollment.js) and those for something wrong, a clock or an app's settings
 * (elements/advice.js). */
export const strings = englishFor((plural, unit, list, s, d) => ({
  /** The direction of the language's script: "ltr" or "rtl". */
  dir: 'ltr',
  code: 'Authentication code',
  verify: 'Verify',
  enterCode: (digits) => `Enter the ${digits}-digit code from your authenticator app.`,
  accepted: 'Code accepted.',
  wrongLoginCode: "That code didn't work. Try the next one.",
  /** The refusals of a server kit (`totpkit/server`) that the diagnosis cannot word: a code
   * used before, a resync (the phone's clock off; the next code finishes), the lock, and a
   * step the server no longer has open (an expired or missing setup, 2FA turned off). */
  replayed: 'That code was already used. Wait for the next one.',
  resync: (duration, ahead) => `Your phone's clock is about ${duration} ${ahead ? 'ahead' : 'behind'}: enter the next code to finish.`,
  locked: 'Too many attempts: this account is locked. Use a recovery code.',
  expired: 'This step has expired. Start again.',
  attemptsLeft: (n) => `${plural(n, { one: '# attempt', other: '# attempts' })} left.`,
  retryAfter: (n) => `Too many attempts - try again in ${s(n)}.`,
  duration: unit,
}));

// One rule a line in this file; each line ends in a backslash (a line continuation), so the
// string has no newlines to ship.
const CSS = `\
:host{display:block;--a:var(--totp-accent,light-dark(#1d4ed8,#8cb4ff));--e:var(--totp-error,light-dark(#8f1d12,#ffb4a8));--w:var(--totp-warn,light-dark(#7a3e00,#ffd58a))}\
:host([hidden]),[hidden]{display:none!important}\
*{font:inherit;color:inherit}\
p,h2,h3,h4,h5,details,.row{margin:0 0 .75em}\
h2,h3,h4,h5,label,[role=alert]{font-weight:700}\
label{display:block}\
.row{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center}\
button,input{border-radius:var(--totp-radius,8px);padding:.6em 1em;border:1px solid;background:none}\
[type=submit]{background:var(--a);color:var(--totp-on-accent,light-dark(#fff,#0b1a33));border-color:var(--a)}\
:disabled{opacity:.6}\
:focus-visible{outline:3px solid var(--a);outline-offset:2px}\
input{font-size:1.25em;width:9ch;letter-spacing:.1em;unicode-bidi:bidi-override}\
[aria-invalid]{border-color:var(--e)}\
[role=alert]{color:var(--e)}\
.panel{border-inline-start:4px solid;padding-inline-start:1em}\
aside{border:2px solid var(--w);padding:1em}\
.sr{position:absolute;clip-path:inset(50%)}`;

const Base = globalThis.HTMLElement || class {};
const sheets = new Map();
/** One constructable stylesheet per CSS text, shared by every element that adopts it. */
const sheetOf = (css) => {
  if (!sheets.has(css)) sheets.set(css, new CSSStyleSheet()).get(css).replaceSync(css);
  return sheets.get(css);
};
/** `load` once (the promise shared by every caller); after a failure, tried again next time. */
export const once = (load) => {
  let p = null;
  return () =>
    (p ||= load().catch((e) => {
      p = null;
      throw e;
    }));
};
/** The wasm front once loaded (for the synchronous paths), else null. */
export let tk = null;
/** The advice module (elements/advice.js) once loaded, else null. */
export let help = null;
/** Loads what is shown when something is wrong (a clock, an app's settings): the fix steps per
 * system and their English sentences. Most visitors never see them. */
export const helper = once(() =>
  import('./advice.js').then((m) => {
    Object.assign(strings, englishFor(m.english));
    return (help = m);
  }),
);
/** Loads the wasm front with the whole module (../whole.js: URI parsing, previews and diagnoses,
 * over ../front.js), with the advice its diagnoses need. A host's own `init(url)` that started
 * first is joined, not raced (init() shares one load). */
export const front = once(() =>
  Promise.all([import('../whole.js'), helper()]).then(async ([m]) => {
    await m.default();
    return (tk = m);
  }),
);
/** The last clock measurement from a <totp-clock-check> (`clock.measured`): codes then follow the
 * server's time. */
export const clock = { measured: null };
export const now = (el) => Date.now() + (el.offsetMs ?? (clock.measured?.status === 'unknown' ? 0 : (clock.measured?.offsetMs ?? 0)));

/** Builds an element: h('p', { class: 'x', onclick }, 'text', child, …). Text is never HTML. */
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v != null && v !== false) el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...kids.flat(9).filter((k) => k != null && k !== false));
  return el;
}

let ids = 0;
export const id = () => `t${++ids}`;

/** An offset in ms in words, rounded the way a person says it ("40 seconds", "1.5 minutes",
 * "2 hours"), as the elements' sentences say it: for a host's own sentence beside theirs. */
export function duration(ms, t = strings) {
  const s = Math.abs(ms) / 1000;
  return s < 90 ? t.duration(Math.round(s) || 1, 'second') : s < 5400 ? t.duration(Math.round(s / 30) / 2, 'minute') : t.duration(Math.round(s / 1800) / 2, 'hour');
}

export class TotpElement extends Base {
  #strings = null;
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open', delegatesFocus: this.constructor.delegates });
    root.adoptedStyleSheets = [CSS, this.constructor.css].filter(Boolean).map(sheetOf);
  }
  /** The sentences: the element's language with its overrides on top. Reading them gives the
   * element their direction (its `dir`), so it mirrors in a right-to-left language. */
  get strings() {
    const t = { ...pick(this), ...this.#strings };
    this.dir = t.dir;
    return t;
  }
  set strings(value) {
    this.#strings = value;
    if (this.isConnected) this.render();
  }
  connectedCallback() {
    this.render();
  }
  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }
  /** The level of the element's headings: `heading-level` (1–5), default 2. */
  level() {
    return +this.getAttribute('heading-level') || 2;
  }
  emit(type, detail, cancelable) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}

/** What both code elements share: the field, Verify, the alert region and the server's answer. */
export class CodeElement extends TotpElement {
  static delegates = true;
  #code = '';
  #held = 0;

  /** The code form; `digits` (a number, or undefined: 6–8) checks what is typed. */
  codeForm(digits) {
    const t = this.strings;
    const [fid, eid] = [id(), id()];
    this.input = h('input', {
      id: fid, name: 'code', part: 'input', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
      spellcheck: 'false', 'aria-describedby': eid, dir: 'ltr',
      oninput: () => this.changed?.(),
    });
    this.alert = h('p', { id: eid, part: 'alert', role: 'alert' });
    this.fix = h('div', { class: 'panel', part: 'fix', hidden: true });
    this.status = h('p', { part: 'status', role: 'status' });
    this.button = h('button', { type: 'submit', part: 'button' }, t.verify);
    this.digits = digits;
    return [
      h('form', { part: 'form', novalidate: true, onsubmit: (e) => this.#submit(e) },
        h('label', { for: fid, part: 'label' }, t.code),
        h('div', { class: 'row' }, this.input, this.button),
        this.alert),
      this.fix, this.status,
    ];
  }

  /** The typed code as plain digits (the core's rule, in JS: ../code.js), or null. */
  normalized() {
    try {
      return normalizeCode(this.input.value, this.digits);
    } catch {
      return null;
    }
  }

  #say(text) {
    this.alert.textContent = text;
    if (text) this.input.setAttribute('aria-invalid', 'true');
    else this.input.removeAttribute('aria-invalid');
  }

  async #submit(event) {
    event.preventDefault();
    if (this.#held) return;
    const code = this.normalized();
    this.status.textContent = '';
    this.fix.hidden = true;
    if (!code) {
      this.#say(this.strings.enterCode(this.digits || 6));
      this.input.focus();
      return;
    }
    this.#say('');
    this.#code = code;
    if (this.emit('totp-code', { code }, true)) this.submitted?.(code);
  }

  /** The server refused the code: says why (diagnosed when the secret is known). `info` is a
   * server kit's refusal as is (`{ ok: false, reason, retryAfterMs?, attemptsLeft?,
   * offsetSeconds? }`), or the host's own `{ attemptsLeft?, retryAfter? (seconds), message? }`;
   * `message`, the host's sentence, replaces the element's. A wait (`retryAfterMs` or
   * `retryAfter`) is said instead, and holds Verify until it ends. */
  rejectCode(info = {}) {
    const t = this.strings;
    const { attemptsLeft: left, retryAfter, retryAfterMs, reason, offsetSeconds, message } = info || {};
    const wait = retryAfterMs > 0 ? retryAfterMs : retryAfter > 0 ? retryAfter * 1000 : 0;
    this.fix.hidden = true;
    let text = wait ? t.retryAfter(Math.ceil(wait / 1000)) : message;
    if (!text) {
      const said = {
        malformed: () => t.enterCode(this.digits || 6),
        replayed: () => t.replayed,
        resync: () => (Number.isFinite(offsetSeconds) && offsetSeconds ? t.resync(duration(offsetSeconds * 1000, t), offsetSeconds > 0) : t.wrongLoginCode),
        locked: () => t.locked,
        expired: () => t.expired,
        no_pending: () => t.expired,
        not_enrolled: () => t.expired,
        // Confirmed already (a second submit of the accepted code): the setup is done.
        already_enrolled: () => t.accepted,
      };
      text = (Object.hasOwn(said, reason) && said[reason]()) || this.explain(this.#code);
    }
    if (wait) this.#hold(wait);
    else if (typeof left === 'number') text += ` ${t.attemptsLeft(left)}`;
    this.#say(text);
    this.input.focus();
    this.input.select();
  }

  /** Words a refused code: drift (with the phone's fixes), an ignored setting, or generic. */
  explain(code) {
    const t = this.strings;
    const key = this.key;
    let d;
    try {
      if (key && code) d = tk?.diagnoseCode(key.secret, code, now(this), key);
    } catch {
      // No diagnosis: the generic sentence.
    }
    this.fix.hidden = true;
    if (d?.kind === 'drift') {
      const level = this.level();
      this.fix.replaceChildren(...[h(`h${level}`, 0, t.fixPhone), help.advice(h, t, ['android', 'ios'], level + 1, t.otherSystems)].flat(9));
      this.fix.hidden = false;
      return t.phoneClock(duration(d.offsetSeconds * 1000, t), d.offsetSeconds > 0);
    }
    if (d?.kind === 'wrongSettings') {
      return t.ignored(d.suspect, key[d.suspect]);
    }
    return key && this.localName === 'totp-enrollment' ? t.wrongCode(key.issuer || key.account) : t.wrongLoginCode;
  }

  #hold(ms) {
    clearTimeout(this.#held);
    this.button.disabled = true;
    this.#held = setTimeout(() => {
      this.#held = 0;
      this.button.disabled = false;
      this.#say('');
    }, ms);
  }

  /** The server accepted the code. */
  acceptCode() {
    this.#say('');
    this.fix.hidden = true;
    this.status.textContent = this.strings.accepted;
    this.input.value = '';
    this.accepted?.();
  }
}

/** Defines the element `name` (once: a page may import an element twice, through two paths). */
export function define(name, cls) {
  if (globalThis.customElements && !customElements.get(name)) customElements.define(name, cls);
}
