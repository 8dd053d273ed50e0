// <totp-enrollment> (`totpkit/elements/enrollment`): the whole enrollment step. Its QR code, key
// and preview come from the wasm front, loaded when the element first renders a URI: the QR
// module (qrFront) for the QR and the key, the whole module (front) when its preview is opened.
import { CodeElement, define, englishFor, front, h, id, now, once, strings, tk } from './base.js';

/** Loads the wasm front with the QR module only (URI parsing, the key's grouping, the QR): all
 * this element shows until its preview is opened, in about half the bytes of the whole module,
 * and without the advice. The whole module (front()) replaces it when the preview needs codes. */
const qrFront = once(() =>
  Promise.all([import('../front.js'), import('../qr-load.js')]).then(async ([m, qr]) => {
    await qr.loadQr();
    return m;
  }),
);

// This element's English sentences, added to the built-in ones (the `strings` map) when it loads.
Object.assign(strings, englishFor((plural, unit, list, s, d) => ({
  qrLabel: (issuer, account) => `QR code to add ${issuer ? `${issuer} (${account})` : account} to an authenticator app`,
  issuer: 'Issuer',
  account: 'Account',
  openApp: 'Open in authenticator app',
  trouble: 'Trouble scanning?',
  manual: `In your app, choose "Enter a setup key" and type this key (spaces don't matter).`,
  copyKey: 'Copy key',
  copied: 'Copied',
  copyBlocked: 'Copying is blocked: copy the selected key yourself.',
  type: 'Type',
  totp: 'Time-based (TOTP)',
  algorithm: 'Algorithm',
  digits: 'Digits',
  interval: 'Interval',
  seconds: s,
  unusual: (algorithm, digits, period) =>
    `This account uses ${list([algorithm, d(digits), s(period)])}. Some authenticator apps ignore these settings and make wrong codes.`,
  preview: 'What should my app show?',
  previewNow: (name) => `Right now your app should show this code for ${name}:`,
  previewNext: (n) => `It changes in ${unit(n, 'second')} to:`,
})));

/** `<totp-enrollment uri="otpauth://…">`: the whole enrollment step. */
export class TotpEnrollment extends CodeElement {
  static delegates = false;
  // This element's own rules, after base.js's (one rule a line, as there).
  static css = `\
.qr{width:var(--totp-qr-size,208px);max-width:100%;background:#fff;forced-color-adjust:none}\
svg{display:block}\
dl{margin:0 0 .75em}\
dt,.big{font-weight:700}\
dl div{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center}\
dt:after{content:":"}\
dd{margin:0;overflow-wrap:anywhere}\
a{display:inline-block;color:var(--a);border-radius:var(--totp-radius,8px);padding:.6em 1em;border:1px solid;background:none}\
.open{background:var(--a);color:var(--totp-on-accent,light-dark(#fff,#0b1a33));border-color:var(--a)}\
.warn{color:var(--w);border-inline-start:4px solid;padding-inline-start:1em}\
.big{font-size:1.5em}\
code{font-family:ui-monospace,monospace;font-size:1.15em;word-spacing:.3em}`;
  static observedAttributes = ['uri', 'preview'];
  #timer = 0;
  #coarse = globalThis.matchMedia?.('(pointer: coarse)');
  #copied = false;
  #secretParts = [];

  connectedCallback() {
    this.#coarse?.addEventListener('change', this);
    super.connectedCallback();
  }
  disconnectedCallback() {
    this.#coarse?.removeEventListener('change', this);
    clearInterval(this.#timer);
  }
  handleEvent() {
    this.render();
  }
  get key() {
    return this.parsed;
  }

  async render() {
    clearInterval(this.#timer);
    const uri = this.getAttribute('uri');
    const root = this.shadowRoot;
    if (!uri) return root.replaceChildren();
    const { parseOtpauthUri, renderQrSvg, formatSecret } = await qrFront();
    if (uri !== this.getAttribute('uri')) return;
    const t = this.strings;
    let key;
    try {
      key = parseOtpauthUri(uri);
    } catch (e) {
      this.parsed = null;
      return root.replaceChildren(h('p', { role: 'alert' }, e.message));
    }
    this.parsed = key;
    const name = key.issuer || key.account;
    const qr = h('div', { class: 'qr', part: 'qr' });
    qr.innerHTML = renderQrSvg(uri, { title: t.qrLabel(key.issuer, key.account) });
    const open = h('p', 0, h('a', { href: uri, part: 'open-app', class: this.#coarse?.matches ? 'open' : null }, t.openApp));
    const [pid, kid] = [id(), id()];
    const copyStatus = h('span', { role: 'status', part: 'copy-status' });
    const keyCode = h('code', { id: kid, part: 'key', dir: 'ltr' }, formatSecret(key.secret));
    const panel = h('div', { id: pid, class: 'panel', part: 'manual', hidden: true },
      h('p', 0, t.manual),
      h('p', 0, keyCode),
      h('p', { class: 'row' }, h('button', { type: 'button', part: 'copy', onclick: () => this.#copy(copyStatus, keyCode) }, t.copyKey), copyStatus),
      h('dl', { part: 'settings' }, [
        [t.type, key.type === 'hotp' ? 'HOTP' : t.totp], [t.algorithm, key.algorithm], [t.digits, key.digits], [t.interval, t.seconds(key.period)],
      ].map(([k, v]) => h('div', 0, h('dt', 0, k), h('dd', 0, String(v))))));
    const trouble = h('button', {
      type: 'button', part: 'trouble', 'aria-expanded': 'false', 'aria-controls': pid,
      onclick: () => {
        panel.hidden = !panel.hidden;
        trouble.setAttribute('aria-expanded', String(!panel.hidden));
      },
    }, t.trouble);
    const unusual = key.algorithm !== 'SHA1' || key.digits !== 6 || key.period !== 30;
    let preview = null;
    if (this.hasAttribute('preview') && key.type === 'totp') {
      // "…" until the codes come (the first opening loads the whole module).
      const [nowCode, next, line] = [h('p', { class: 'big' }, '…'), h('p', { class: 'big' }, '…'), h('p')];
      const tick = (codePreview) => {
        const p = codePreview(key.secret, now(this), { ...key, offsetMs: undefined });
        nowCode.textContent = p.code;
        line.textContent = t.previewNext(p.secondsRemaining);
        next.textContent = p.nextCode;
      };
      preview = h('details', {
        part: 'preview',
        // The codes need HMAC: the whole module, loaded the first time the preview is opened.
        ontoggle: async () => {
          clearInterval(this.#timer);
          if (!preview.open) return;
          const { codePreview } = await front();
          if (!preview.open || !preview.isConnected) return;
          clearInterval(this.#timer);
          tick(codePreview);
          this.#timer = setInterval(tick, 500, codePreview);
        },
      }, h('summary', 0, t.preview), h('p', 0, t.previewNow(name)), nowCode, line, next);
    }
    this.#secretParts = [
      h('div', { class: 'row', part: 'scan' }, qr, h('dl', 0,
        key.issuer ? h('div', 0, h('dt', 0, t.issuer), h('dd', 0, key.issuer)) : null,
        h('div', 0, h('dt', 0, t.account), h('dd', 0, key.account)))),
      unusual ? h('p', { class: 'warn', part: 'warning' }, t.unusual(key.algorithm, key.digits, key.period)) : null,
      h('p', 0, trouble),
      panel,
    ];
    // On a phone the QR cannot be scanned by the phone showing it: the app link comes first.
    const coarse = this.#coarse?.matches;
    root.replaceChildren(...[coarse && open, ...this.#secretParts, !coarse && open, ...this.codeForm(key.digits), preview].filter(Boolean));
    this.#secretParts.push(preview, open);
  }

  /** As every code element's, except that the diagnosis of a refused code (a phone's clock, an
   * ignored setting) needs the whole module and the advice, which this element has not loaded
   * yet the first time: the refusal is said at once, then said again, diagnosed, when they
   * arrive (unless something else was said meanwhile). A wait is not diagnosed. */
  rejectCode(info) {
    super.rejectCode(info);
    if (tk || !this.parsed || info?.retryAfterMs > 0 || info?.retryAfter > 0) return;
    const said = this.alert.textContent;
    front().then(() => {
      if (this.alert.textContent === said && this.parsed) super.rejectCode(info);
    }, () => {});
  }

  /** Copies the key and says so in the status region, which empties again after a few
   * seconds, so the next copy is announced again. */
  async #copy(status, keyCode) {
    // The pending clear rides on the status element itself (`t`): one per copy button.
    clearTimeout(status.t);
    status.textContent = '';
    try {
      await navigator.clipboard.writeText(this.parsed.secret);
      this.#copied = true;
      status.textContent = this.strings.copied;
    } catch {
      getSelection().selectAllChildren(keyCode);
      status.textContent = this.strings.copyBlocked;
    }
    status.t = setTimeout(() => (status.textContent = ''), 4000);
  }

  /** Confirmed: the secret has no more business in the page. QR and key go, and the clipboard
   * is emptied if the key was copied there (best effort). */
  accepted() {
    clearInterval(this.#timer);
    for (const part of this.#secretParts) part?.remove();
    this.parsed = null;
    this.input.disabled = this.button.disabled = true;
    if (this.#copied) navigator.clipboard.writeText('').catch(() => {});
  }
}

define('totp-enrollment', TotpEnrollment);
