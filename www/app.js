// The demo page: the help article's flow (log in → QR code → authenticator app → confirm →
// confirmation → the new login page), one step on screen at a time. Each concern has its own
// module: api.js (the server), clock.js + clock-help.js (clock check, banner, OS advice),
// enroll.js (QR, first code, recovery codes), login.js (password, second factor, reset),
// ui.js (DOM helpers), codes.js (what a typed code may look like).

import init from '/pkg/totpkit.js';
import { api, genericFailure } from './api.js';
import { $, showStep, setError } from './ui.js';
import { startClockChecks } from './clock.js';
import { setupEnrollment, startEnrollment } from './enroll.js';
import { setupLogin, showLogin, showWelcome } from './login.js';

// totpkit's WebAssembly loads in the background; only the steps that need it wait for it.
const ready = init();
ready.catch(() => {
  $('fatal').textContent = 'This browser could not load the WebAssembly module the demo needs, so the QR code and the code checks cannot work here.';
  $('fatal').hidden = false;
});

/** The app's router: every step change goes through here. */
async function go(step, opts = {}) {
  switch (step) {
    case 'login':
      showLogin(opts);
      return;
    case 'enroll': {
      const result = await startEnrollment(ready, opts);
      if (result.ok) return;
      if (result.data.error === 'already_enrolled') {
        go('me');
      } else if (result.data.error === 'login_required') {
        showLogin({ notice: 'Your session has ended. Log in again to continue.' });
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

setupEnrollment(ready, go);
setupLogin(go);
startClockChecks(ready);
go('me');
