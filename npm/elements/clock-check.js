// <totp-clock-check> (`totpkit/elements/clock-check`): the banner for a wrong computer clock.
// Runs on the JS clock check (../clock.js): no wasm.
import { checkClock } from '../clock.js';
import { TotpElement, clock, define, duration, h, help, helper, id } from './base.js';

/** `<totp-clock-check endpoint="/api/time">`: measures this computer's clock against the
 * server on load and whenever the tab comes back; shows a banner when it is off by more than
 * 15 s. Dispatches `totp-clock` (detail: the estimate, or null when the check failed). */
export class TotpClockCheck extends TotpElement {
  static observedAttributes = ['endpoint'];
  #run = null;

  connectedCallback() {
    document.addEventListener('visibilitychange', this);
    super.connectedCallback();
    this.check();
  }
  disconnectedCallback() {
    document.removeEventListener('visibilitychange', this);
  }
  handleEvent() {
    if (document.visibilityState === 'visible') this.check();
  }
  /** Runs a check now (or joins the one running); resolves to the estimate or null. */
  check() {
    return (this.#run ||= (async () => {
      let measured = null;
      try {
        measured = await checkClock(this.getAttribute('endpoint') || '/api/time');
      } catch {
        // The check failed: no banner, and codes keep the local clock.
      }
      // Off: the banner's steps and sentences first (see render).
      if (measured?.status === 'warn' || measured?.status === 'critical') await helper().catch(() => {});
      clock.measured = this.estimate = measured;
      this.render();
      this.emit('totp-clock', measured);
      return measured;
    })().finally(() => {
      this.#run = null;
    }));
  }
  render() {
    const e = this.estimate;
    const t = this.strings;
    // The banner needs elements/advice.js, which check() loads first when the clock is off.
    const off = e && (e.status === 'warn' || e.status === 'critical') && help;
    this.dataset.status = e ? e.status : 'failed';
    if (!off) {
      const was = this.shadowRoot.querySelector('aside');
      this.shadowRoot.replaceChildren(h('p', { class: 'sr', role: 'status' }, was ? t.clockRight : ''));
      return;
    }
    const title = t.clockOff(duration(e.offsetMs, t), e.offsetMs < 0);
    const hid = id();
    this.shadowRoot.replaceChildren(h('aside', { part: 'banner', 'aria-labelledby': hid },
      h(`h${this.level()}`, { id: hid, tabindex: '-1' }, title),
      h('p', { class: 'sr', role: 'status' }, title),
      h('p', 0, t.clockWhy),
      help.advice(h, t, Object.keys(t.systems), this.level() + 1, t.otherSystems),
      h('p', 0, h('button', { type: 'button', part: 'recheck', onclick: () => this.check() }, t.recheck))));
  }
}

define('totp-clock-check', TotpClockCheck);
