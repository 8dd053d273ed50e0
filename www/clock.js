// This computer's clock against the server's. <totp-clock-check id="clock-banner"> measures it
// (on load and when the tab becomes visible again) and shows the banner with this system's
// steps; the enrollment element corrects its preview and diagnosis by what it measured. Here is
// only what the page adds around it: a check when the page comes back from the back/forward
// cache, focus back on the step when "Check the clock again" finds the clock right (the banner
// and its focused button are gone), and what the login step needs to say about this clock.

import { duration } from '/pkg/elements.js';
import { t } from './i18n.js';
import { $ } from './ui.js';

const banner = () => $('clock-banner');

/** Checks again now (or joins the check under way); resolves to the estimate, or null. */
export function runClockCheck() {
  return banner().check();
}

/** The last estimate (null when the check failed, undefined before it ends). */
export function clockEstimate() {
  return banner().estimate;
}

/** Whether the last check found this computer's clock off enough to break codes. */
export function computerClockIsOff() {
  const estimate = clockEstimate();
  return Boolean(estimate) && (estimate.status === 'warn' || estimate.status === 'critical');
}

/** "about 5 minutes ahead" / "about 40 seconds behind", with the banner's durations. */
export function describeComputerOffset() {
  // offsetMs > 0: the server is ahead of us, i.e. this computer's clock is behind.
  const { offsetMs } = clockEstimate();
  return t('offset', duration(offsetMs, banner().strings), offsetMs > 0);
}

/** Moves the focus to the banner's heading (it has tabindex="-1" for this), so a screen reader
 * reads the steps from their start. */
export function focusBanner() {
  banner().shadowRoot.querySelector('[tabindex="-1"]')?.focus();
}

export function setupClock() {
  addEventListener('pageshow', (event) => {
    // The first pageshow comes with the load the element already checked on.
    if (event.persisted) runClockCheck();
  });
  // "Check the clock again" (the banner's `recheck` part): when the clock is right now, the
  // banner and the focused button are gone, so the focus goes back to the step.
  let rechecked = false;
  banner().addEventListener('click', (event) => {
    rechecked = event.composedPath()[0].getAttribute?.('part') === 'recheck';
  });
  banner().addEventListener('totp-clock', () => {
    if (rechecked && !computerClockIsOff()) document.querySelector('section[data-step]:not([hidden]) h1')?.focus();
    rechecked = false;
  });
}
