// Logging in: password, then the second factor (the authentication code in totpkit's
// <totp-code-field>, or a recovery code), resetting two-factor authentication with a recovery
// code, and the signed-in page.

import { duration } from '/pkg/elements.js';
import { api, post, genericFailure } from './api.js';
import { t, say, onLanguage } from './i18n.js';
import { $, h, showStep, setError, setNotice, holdForm, onSubmit, attemptsLeft } from './ui.js';
import { runClockCheck, clockEstimate, computerClockIsOff, describeComputerOffset, focusBanner } from './clock.js';
import { showRecoveryCodes } from './enroll.js';

let go = () => {};

/** Shared answers of the second-factor forms; true when handled. */
function handleSessionEnd(result, errorId, form) {
  if (result.status === 429) {
    holdForm(form, errorId, result.retryAfter);
    return true;
  }
  switch (result.data.error) {
    case 'login_required':
      go('login', { notice: 'reauth' });
      return true;
    case 'not_enrolled':
      go('enroll');
      return true;
    case 'already_signed_in':
      go('welcome');
      return true;
    default:
      return false;
  }
}

/** After too many attempts in one login the server ends it ("next": "login"). */
function loginUsedUp(result) {
  if (result.data.next !== 'login') return false;
  go('login', { notice: 'tooManyLogin' });
  return true;
}

async function submitLogin(data) {
  const email = String(data.get('email')).trim();
  const password = String(data.get('password'));
  if (!email || !password) {
    setError('login-error', t('enterEmailPassword'));
    return;
  }
  setError('login-error');
  const result = await api('/login', { email, password });
  if (result.ok) {
    $('login-password').value = '';
    $('reset-username').value = email;
    go(result.data.next === 'otp' ? 'otp' : 'enroll');
    return;
  }
  if (result.status === 429) {
    holdForm($('login-form'), 'login-error', result.retryAfter);
    return;
  }
  if (result.data.error === 'invalid_credentials') {
    setError('login-error', t('wrongEmailPassword'));
    $('login-password').select();
    return;
  }
  setError('login-error', genericFailure(result));
}

/**
 * The article's message, plus which clock to fix and how: the sentence for the code field's
 * alert, while #otp-fix gets the steps (or, when this computer's clock is off, a way to the
 * banner that has them already).
 */
async function clockHint() {
  await runClockCheck();
  const fix = $('otp-fix');
  let message;
  if (computerClockIsOff()) {
    // The banner at the top already has this system's steps: point there instead of
    // repeating them.
    message = `${t('article')} ${t('computerOff', describeComputerOffset())}`;
    const show = h('button', { type: 'button', className: 'link' }, t('showFix'));
    show.addEventListener('click', focusBanner);
    fix.replaceChildren(show);
    fix.classList.add('plain');
  } else {
    // Only claim this computer is right when the check could tell (not "unknown" or failed).
    const estimate = clockEstimate();
    const known = estimate && estimate.status !== 'unknown';
    message = `${t('article')} ${t('phoneWrong', known)}`;
    // The phones' steps in the elements' words (the code field's `strings`, in its language),
    // so they say it one way.
    const strings = $('otp-code').strings;
    fix.replaceChildren(h('h2', {}, strings.fixPhone), ...['android', 'ios'].map((os) => {
      const [name, steps] = strings.systems[os];
      return [h('h3', {}, strings.on(name)), h('p', {}, steps)];
    }).flat());
    fix.classList.remove('plain');
  }
  fix.hidden = false;
  return message;
}

/** The code field's `totp-code`: the code, normalized by the core, goes to the server. */
let sendingOtp = false;
async function submitOtp(event) {
  const field = event.target;
  if (sendingOtp) return;
  sendingOtp = true;
  $('otp-fix').hidden = true;
  try {
    const result = await api('/login/otp', { code: event.detail.code });
    if (result.ok) {
      field.acceptCode();
      go('welcome');
      return;
    }
    if (result.status === 429) {
      field.rejectCode({ retryAfter: result.retryAfter });
      return;
    }
    if (handleSessionEnd(result)) return;
    const { attemptsLeft: left } = result.data;
    switch (result.data.error) {
      case 'code_already_used':
        field.rejectCode({ message: t('codeUsed') });
        break;
      case 'resync_required': {
        // The code matched a few steps off (not counted): the server says by how much, in the
        // elements' words; the next code signs in.
        const t = field.strings;
        const offset = result.data.offsetSeconds;
        field.rejectCode({ message: t.phoneClock(duration(offset * 1000, t), offset > 0) });
        break;
      }
      case 'invalid_code':
        if (loginUsedUp(result)) return;
        field.rejectCode({ attemptsLeft: left, message: result.data.hint === 'check_clock' ? await clockHint() : undefined });
        break;
      case 'malformed_code':
        field.rejectCode({ message: field.strings.enterCode(result.data.digits) });
        break;
      default:
        field.rejectCode({ message: genericFailure(result) });
    }
  } finally {
    sendingOtp = false;
  }
}

async function submitRecoveryLogin(data) {
  const code = String(data.get('recoveryCode')).trim();
  if (!code) {
    setError('recovery-login-error', t('enterRecoveryCode'));
    return;
  }
  setError('recovery-login-error');
  const result = await api('/login/otp', { recoveryCode: code });
  if (result.ok) {
    go('welcome', { codesLeft: result.data.recoveryCodesLeft });
    return;
  }
  if (handleSessionEnd(result, 'recovery-login-error', $('recovery-login-form'))) return;
  $('recovery-login-code').select();
  setError('recovery-login-error', recoveryCodeFailure(result));
  loginUsedUp(result);
}

function recoveryCodeFailure(result) {
  switch (result.data.error) {
    case 'malformed_recovery_code':
      return t('recoveryMalformed');
    case 'code_already_used':
      return t('recoveryUsed');
    case 'invalid_recovery_code': {
      const left = typeof result.data.attemptsLeft === 'number' ? ` ${attemptsLeft(result.data.attemptsLeft)}` : '';
      return `${t('recoveryFailed')}${left}`;
    }
    default:
      return genericFailure(result);
  }
}

async function submitReset(data) {
  const password = String(data.get('password'));
  const recoveryCode = String(data.get('recoveryCode')).trim();
  if (!password || !recoveryCode) {
    setError('reset-error', t('enterPasswordAndCode'));
    return;
  }
  setError('reset-error');
  // No email: the server takes it from this login's session.
  const result = await api('/2fa/reset', { password, recoveryCode });
  if (result.ok) {
    $('reset-form').reset();
    go('enroll', { notice: 'reset.done' });
    return;
  }
  if (result.data.error === 'invalid_credentials') {
    setError('reset-error', t('wrongPassword'));
    return;
  }
  if (handleSessionEnd(result, 'reset-error', $('reset-form'))) return;
  setError('reset-error', recoveryCodeFailure(result));
}

/** "Generate new recovery codes" on the signed-in page: the password, then the new set. */
async function submitNewCodes(data) {
  const password = String(data.get('password'));
  if (!password) {
    setError('new-codes-error', t('enterPassword'));
    $('new-codes-password').focus();
    return;
  }
  setError('new-codes-error');
  const result = await api('/2fa/recovery-codes', { password });
  if (result.ok) {
    $('new-codes-form').reset();
    showRecoveryCodes(result.data.recoveryCodes, { then: 'welcome' });
    return;
  }
  if (result.status === 429) {
    holdForm($('new-codes-form'), 'new-codes-error', result.retryAfter);
    return;
  }
  if (result.data.error === 'invalid_credentials') {
    setError('new-codes-error', t('wrongPassword'));
    $('new-codes-password').select();
    return;
  }
  if (handleSessionEnd(result, 'new-codes-error', $('new-codes-form'))) return;
  setError('new-codes-error', genericFailure(result));
}

/** Shows the login step, emptying the second-factor forms of an earlier attempt. */
export function showLogin({ notice } = {}) {
  for (const id of ['recovery-login-form', 'reset-form']) $(id).reset();
  for (const id of ['login-error', 'recovery-login-error', 'reset-error']) setError(id);
  // A fresh code field: no code, message or wait left from an earlier attempt.
  $('otp-code').replaceWith($('otp-code').cloneNode());
  $('otp-fix').hidden = true;
  setNotice('login-notice', notice);
  showStep('login');
}

/** Shows the signed-in page for the session's account. */
export async function showWelcome({ codesLeft } = {}) {
  const result = await api('/me');
  if (!result.ok) {
    showLogin({ notice: 'sessionEndedShort' });
    return;
  }
  $('welcome-email').textContent = result.data.email;
  $('new-codes-form').reset();
  $('new-codes-username').value = result.data.email;
  setError('new-codes-error');
  const left = $('welcome-codes-left');
  if (typeof codesLeft === 'number') say(left, 'welcome.codesLeft', codesLeft);
  else say(left);
  left.hidden = typeof codesLeft !== 'number';
  showStep('welcome');
}

/** Wires the login steps; `navigate(step, opts)` is the app's router. */
export function setupLogin(navigate) {
  go = navigate;
  onSubmit($('login-form'), submitLogin);
  // On the section, not the field: showLogin() replaces the field with a fresh one.
  $('otp-code').closest('section').addEventListener('totp-code', submitOtp);
  onSubmit($('recovery-login-form'), submitRecoveryLogin);
  onSubmit($('reset-form'), submitReset);
  onSubmit($('new-codes-form'), submitNewCodes);
  $('use-recovery').addEventListener('click', () => go('recovery-login'));
  for (const button of document.querySelectorAll('[data-go]')) {
    button.addEventListener('click', () => go(button.dataset.go));
  }
  // A new language: the phone's steps (in the old one) go with the message they explained.
  onLanguage(() => {
    $('otp-fix').hidden = true;
  });
  $('logout').addEventListener('click', async () => {
    await post('/logout');
    showLogin({ notice: 'loggedOut' });
  });
}
