// The demo page: the help article's flow (log in → QR code → authenticator app → confirm →
// confirmation → the new login page), one step on screen at a time. The QR code, the
// "Trouble scanning?" key, the code fields and the clock banner are totpkit's custom elements
// (/pkg/elements.js); this page is their host: api.js (the server), enroll.js (the enrollment
// step's server calls, the recovery codes), login.js (password, second factor, reset),
// clock.js (what the page adds around the clock check), ui.js (DOM helpers), and this router.

import init from '/pkg/totpkit.js';
import '/pkg/elements.js';
import { setupLanguage } from './i18n.js';
import { api, genericFailure } from './api.js';
import { $, showStep, setError, setNotice } from './ui.js';
import { setupClock } from './clock.js';
import { setupEnrollment, startEnrollment } from './enroll.js';
import { setupLogin, showLogin, showWelcome } from './login.js';

// totpkit's WebAssembly loads in the background (the elements wait for it themselves); say so
// when this browser cannot load it.
init().catch(() => setNotice('fatal', 'wasmFailed'));

/** The app's router: every step change goes through here. */
async function go(step, opts = {}) {
  switch (step) {
    case 'login':
      showLogin(opts);
      return;
    case 'enroll': {
      const result = await startEnrollment(opts);
      if (result.ok) return;
      if (result.data.error === 'already_enrolled') {
        go('me');
      } else if (result.data.error === 'login_required') {
        showLogin({ notice: 'sessionEnded' });
      } else {
        showLogin();
        setError('login-error', genericFailure(result));
      }
      return;
    }
    case 'otp':
    case 'recovery-login': {
      const input = step === 'otp' ? $('otp-code') : $('recovery-login-code');
      showStep(step, { focus: input });
      return;
    }
    case 'reset':
      showStep('reset');
      return;
    case 'welcome':
      await showWelcome(opts);
      return;
    case 'me':
    default:
      await resume();
  }
}

/** Where a returning visitor continues, from the session the server has for them. */
async function resume() {
  const result = await api('/me');
  if (result.ok) {
    go('welcome');
  } else if (result.data.error === 'second_factor_required') {
    go(result.data.next === 'enroll' ? 'enroll' : 'otp');
  } else {
    go('login');
  }
}

// The language first, so no step shows in another one.
await setupLanguage();
setupClock();
setupEnrollment(go);
setupLogin(go);
go('me');
