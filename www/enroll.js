// Setting up two-factor authentication. <totp-enrollment id="enrollment"> shows the server's
// otpauth URI as a QR code (drawn in this page), the "Trouble scanning?" key, the code field and
// "What should my app show?", and says why a refused code failed (phone clock, ignored
// setting). This module is its host: it asks the server for the URI, sends the typed code, and
// answers with acceptCode() or rejectCode(); then the recovery codes and the confirmation.

import { api, post, genericFailure } from './api.js';
import { t, say, onLanguage } from './i18n.js';
import { $, h, showStep, onStepChange, setNotice, copyText } from './ui.js';

/** The recovery codes on screen (never in the DOM beyond the list itself), whose they are, and
 * where Continue leads. */
let shownCodes = [];
let codesFor = 'totpkit demo';
let afterCodes = 'done';
let go = () => {};

const enrollment = () => $('enrollment');

// A copied key stays on the clipboard, where other apps can read it: the element's "Trouble
// scanning?" text says so here (the page's `manual`, in the page's language).
const overrides = () => ({ manual: t('manual') });

/**
 * Asks the server for a new secret (or the pending one, after a reload) and shows its QR code.
 * Resolves to the API result, so the caller can show a failure where the user is.
 */
export async function startEnrollment({ notice } = {}) {
  const result = await post('/2fa/enroll');
  if (!result.ok) return result;
  enrollment().setAttribute('uri', result.data.otpauthUri);
  setNotice('enroll-notice', notice);
  showStep('enroll');
  return result;
}

/** The element's `totp-code`: the code, normalized by the core, goes to the server. */
let sending = false;
async function confirmCode(event) {
  const el = event.currentTarget;
  if (sending) return;
  sending = true;
  try {
    const result = await api('/2fa/confirm', { code: event.detail.code });
    if (result.ok) {
      const { issuer, account } = el.parsed;
      codesFor = issuer ? `${issuer} (${account})` : account;
      // The element drops the QR code and the key (and the clipboard's copy of it); the URI
      // leaves with the step (below).
      el.acceptCode();
      showRecoveryCodes(result.data.recoveryCodes);
      return;
    }
    if (result.status === 429) {
      el.rejectCode({ retryAfter: result.retryAfter });
      return;
    }
    switch (result.data.error) {
      // resync_required: the code matched a few steps off (not counted); the element says how far
      // the phone's clock is off and how to fix it, and the next code signs in.
      case 'resync_required':
      case 'invalid_code':
        el.rejectCode({ attemptsLeft: result.data.attemptsLeft });
        if (result.data.next === 'login') go('login', { notice: 'tooManyEnroll' });
        return;
      case 'malformed_code':
        el.rejectCode({ message: el.strings.enterCode(result.data.digits) });
        return;
      case 'enrollment_expired':
      case 'no_pending_enrollment':
        await startAgain('qrExpired');
        return;
      case 'login_required':
        go('login', { notice: 'sessionEnded' });
        return;
      case 'already_enrolled':
        go('me');
        return;
      default:
        el.rejectCode({ message: genericFailure(result) });
    }
  } finally {
    sending = false;
  }
}

async function startAgain(notice) {
  const result = await startEnrollment({ notice });
  if (!result.ok) go('login', { notice: 'sessionEnded' });
}

/** Shows a set of recovery codes; `then` is the step Continue leads to. */
export function showRecoveryCodes(codes, { then = 'done' } = {}) {
  shownCodes = codes;
  afterCodes = then;
  $('recovery-list').replaceChildren(...codes.map((code) => h('li', {}, h('code', {}, code))));
  $('codes-saved').checked = false;
  $('recovery-continue').disabled = true;
  say($('codes-status'));
  showStep('recovery');
}

/** Leaves the recovery codes screen: the codes leave the page. */
function forgetCodes() {
  shownCodes = [];
  $('recovery-list').replaceChildren();
}

function recoveryText() {
  return t('recovery.file', codesFor, shownCodes.join('\n'));
}

/** Saves the codes as a .txt file: a Blob behind an object URL (allowed by the page's CSP). */
function downloadCodes() {
  const url = URL.createObjectURL(new Blob([recoveryText()], { type: 'text/plain' }));
  const link = h('a', { href: url, download: 'totpkit-demo-recovery-codes.txt', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  say($('codes-status'), 'downloaded', 'totpkit-demo-recovery-codes.txt');
}

/** Wires the enrollment steps; `navigate(step, opts)` is the app's router. */
export function setupEnrollment(navigate) {
  go = navigate;
  enrollment().strings = overrides();
  onLanguage(() => {
    enrollment().strings = overrides();
  });
  enrollment().addEventListener('totp-code', confirmCode);
  // The otpauth URI holds the secret: it stays in the page only while its step is on screen.
  // Without it the element is empty (after acceptCode() it had already dropped QR and key).
  onStepChange((step) => {
    if (step !== 'enroll') enrollment().removeAttribute('uri');
  });

  $('download-codes').addEventListener('click', downloadCodes);
  $('copy-codes').addEventListener('click', () => copyText(shownCodes.join('\n'), 'codes-status', $('recovery-list')));
  $('codes-saved').addEventListener('change', () => {
    $('recovery-continue').disabled = !$('codes-saved').checked;
  });
  $('recovery-continue').addEventListener('click', () => {
    forgetCodes();
    if (afterCodes === 'welcome') go('welcome');
    else showStep('done');
  });
  $('done-continue').addEventListener('click', async () => {
    // "You will then be redirected to your new login page": end this session and log in
    // the way every later visit will, with the second factor.
    await post('/logout');
    go('login', { notice: 'done.notice' });
  });
}
