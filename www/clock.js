// This computer's clock against the server's, with totpkit's checkClock: on load, when the tab
// becomes visible again, and when the page comes back from the back/forward cache. When the
// clock is off by more than 15 s (status "warn" or "critical"), a banner says by how much and
// how to fix it on this system.

import { checkClock } from '/pkg/totpkit.js';
import { $, announce } from './ui.js';
import { describeDuration, deviceClockAdvice } from './clock-help.js';

let estimate = null;
let running = null;
let wasmReady = Promise.resolve();

/** The last estimate, or null when none succeeded yet. */
export function clockEstimate() {
  return estimate;
}

/** ms to add to Date.now() to get the server's time (0 until a check succeeded). */
export function offsetMs() {
  return estimate ? estimate.offsetMs : 0;
}

/** Whether the last check found this computer's clock off enough to break codes. */
export function computerClockIsOff() {
  return Boolean(estimate) && (estimate.status === 'warn' || estimate.status === 'critical');
}

/** "about 5 minutes ahead" / "about 40 seconds behind" for this computer's clock. */
export function describeComputerOffset() {
  // offsetMs > 0: the server is ahead of us, i.e. this computer's clock is behind.
  const direction = estimate.offsetMs > 0 ? 'behind' : 'ahead';
  return `about ${describeDuration(estimate.offsetMs)} ${direction}`;
}

/** Runs one check (or joins the one running) and updates the banner. */
export function runClockCheck() {
  if (!running) {
    running = (async () => {
      await wasmReady;
      try {
        estimate = await checkClock('/api/time', { samples: 5, timeoutMs: 5000 });
      } catch {
        // The server is unreachable: say nothing about the clock rather than guess.
        estimate = null;
      }
      renderBanner();
      return estimate;
    })().finally(() => {
      running = null;
    });
  }
  return running;
}

let shownText = '';

function renderBanner() {
  const banner = $('clock-banner');
  // The last check's outcome, for people (and tests) inspecting the page.
  banner.dataset.status = estimate ? estimate.status : 'failed';
  if (!computerClockIsOff()) {
    banner.hidden = true;
    shownText = '';
    return;
  }
  const title = `Your computer's clock is ${describeComputerOffset()}`;
  $('clock-banner-title').textContent = title;
  $('clock-banner-advice').replaceChildren(deviceClockAdvice());
  banner.hidden = false;
  if (title !== shownText) announce(`${title}. See the steps at the top of the page.`);
  shownText = title;
}

/** Starts the checks: now, on visibilitychange to visible, and on pageshow from the bfcache. */
export function startClockChecks(ready) {
  wasmReady = ready;
  runClockCheck();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') runClockCheck();
  });
  addEventListener('pageshow', (event) => {
    // The first pageshow comes with the load we already checked on.
    if (event.persisted) runClockCheck();
  });
  $('clock-recheck').addEventListener('click', async () => {
    await runClockCheck();
    if (!computerClockIsOff()) {
      // The banner (and the focused button in it) is gone: go back to the step.
      announce("Your computer's clock is right now.");
      document.querySelector('section[data-step]:not([hidden]) h1')?.focus();
    }
  });
}
