// Setting up two-factor authentication: the QR code and "Trouble scanning?" key (drawn here by
// totpkit from the server's otpauth URI), the first code with a diagnosis when it is wrong,
// the "What should my app show?" preview, the recovery codes and the confirmation.

import { parseOtpauthUri, enrollment, renderQrSvg, codePreview, diagnoseCode } from '/pkg/totpkit.js';
import { api, post, genericFailure } from './api.js';
import { $, h, showStep, onStepChange, setError, setNotice, copyText, holdForm, onSubmit, attemptsLeft, spacedCode } from './ui.js';
import { offsetMs } from './clock.js';
import { describeDuration, phoneClockAdvice } from './clock-help.js';
import { normalizeCode, isWellFormedCode } from './codes.js';

/** The enrollment on screen: { secret, params, issuer, account }; the secret is dropped once confirmed. */
let current = null;
/** The recovery codes on screen (never in the DOM beyond the list itself), and where Continue leads. */
let shownCodes = [];
let afterCodes = 'done';
/** Whether "Copy key" put the secret on the clipboard. */
let keyCopied = false;
let go = () => {};

/**
 * Asks the server for a new secret and shows the QR code. Resolves to the API result, so the
 * caller can show a failure where the user is.
 */
export async function startEnrollment(ready, { notice } = {}) {
  const result = await post('/2fa/enroll');
  if (!result.ok) return result;
  await ready;
  const uri = result.data.otpauthUri;
  const parsed = parseOtpauthUri(uri);
  const e = enrollment(parsed);
  current = { secret: e.secret, params: e.params, issuer: parsed.issuer || '', account: parsed.account };
  // The QR encodes the server's URI byte for byte; the accessible name comes from enrollment().
  $('qr').innerHTML = renderQrSvg(uri, { title: e.altText });
  $('enroll-issuer').textContent = current.issuer;
  $('enroll-account').textContent = current.account;
  $('manual-key').textContent = e.manualKey;
  $('param-algorithm').textContent = e.params.algorithm;
  $('param-digits').textContent = String(e.params.digits);
  $('param-period').textContent = `${e.params.period} s`;
  const name = current.issuer ? `${current.issuer} (${current.account})` : current.account;
  for (const el of document.querySelectorAll('.enroll-name')) el.textContent = name;
  $('confirm-digits').textContent = String(e.params.digits);
  setManualEntry(false);
  setNotice('enroll-notice', notice);
  resetConfirm();
  showStep('enroll');
  return result;
}

function setManualEntry(open) {
  $('trouble-button').setAttribute('aria-expanded', String(open));
  $('manual-entry').hidden = !open;
  $('copy-key-status').textContent = '';
}

function resetConfirm() {
  $('confirm-form').reset();
  setError('confirm-error');
  $('confirm-fix').hidden = true;
  $('preview').open = false;
}

/** The message for a refused first code, from totpkit's diagnosis of what the phone did. */
function explainWrongCode(typed, data) {
  const { secret, params } = current;
  const diagnosis = diagnoseCode(secret, typed, Date.now() + offsetMs(), params);
  const left = typeof data.attemptsLeft === 'number' ? attemptsLeft(data.attemptsLeft) : '';
  const fix = $('confirm-fix');
  fix.hidden = true;
  if (diagnosis.kind === 'drift') {
    const direction = diagnosis.offsetSeconds > 0 ? 'ahead' : 'behind';
    setError('confirm-error',
      `Your phone's clock is about ${describeDuration(diagnosis.offsetSeconds * 1000)} ${direction}, so its codes are out of step. `
      + `Set the phone's time to update automatically, then enter the new code. ${left}`);
    fix.replaceChildren(h('h2', {}, "Fix your phone's clock"), phoneClockAdvice());
    fix.hidden = false;
    return;
  }
  if (diagnosis.kind === 'wrongSettings') {
    setError('confirm-error', `${ignoredSetting(diagnosis.suspect, params)} ${left}`);
    return;
  }
  setError('confirm-error',
    `That code didn't work — wait for the next one and enter it. Make sure it is the code for ${current.issuer || current.account}. ${left}`);
}

/** What an app that ignores one of the QR code's settings did, and what to do about it. */
function ignoredSetting(suspect, params) {
  const fix = 'Remove this account from the app and add it with an app that supports it.';
  switch (suspect) {
    case 'algorithm':
      return `Your app ignored the algorithm in the QR code: it made a SHA1 code, but this account uses ${params.algorithm}. ${fix}`;
    case 'digits':
      return `Your app ignored the number of digits in the QR code: it made a 6-digit code, but this account uses ${params.digits} digits. ${fix}`;
    default:
      return `Your app ignored the interval in the QR code: it changes its code every 30 s, but this account uses ${params.period} s. ${fix}`;
  }
}

async function confirmCode(ready) {
  const input = $('confirm-code');
  const typed = normalizeCode(input.value);
  const { digits } = current.params;
  $('confirm-fix').hidden = true;
  if (!isWellFormedCode(typed, digits)) {
    setError('confirm-error', `Enter the ${digits}-digit code from your app (digits only).`);
    input.focus();
    return;
  }
  setError('confirm-error');
  const result = await api('/2fa/confirm', { code: typed });
  if (result.ok) {
    forgetSecret();
    showRecoveryCodes(result.data.recoveryCodes);
    return;
  }
  if (result.status === 429) {
    holdForm($('confirm-form'), 'confirm-error', result.retryAfter);
    return;
  }
  switch (result.data.error) {
    case 'invalid_code':
      await ready;
      explainWrongCode(typed, result.data);
      if (result.data.next === 'login') {
        go('login', { notice: 'Too many wrong codes. Log in again to start over.' });
        return;
      }
      input.select();
      return;
    case 'malformed_code':
      setError('confirm-error', `Enter the ${result.data.digits || digits}-digit code from your app (digits only).`);
      return;
    case 'enrollment_expired':
    case 'no_pending_enrollment':
      await startAgain(ready, 'That QR code has expired. Remove the old entry from your app, then scan this new one.');
      return;
    case 'login_required':
      go('login', { notice: 'Your session has ended. Log in again to continue.' });
      return;
    case 'already_enrolled':
      go('me');
      return;
    default:
      setError('confirm-error', genericFailure(result));
  }
}

async function startAgain(ready, notice) {
  const result = await startEnrollment(ready, { notice });
  if (!result.ok) go('login', { notice: 'Your session has ended. Log in again to continue.' });
}

// "What should my app show?": the code for the server's time, refreshed every half second
// while the panel is open.
let previewTimer = 0;

function updatePreview() {
  if (!current) return;
  const p = codePreview(current.secret, Date.now(), { offsetMs: offsetMs(), ...current.params });
  $('preview-code').textContent = spacedCode(p.code);
  $('preview-next').textContent = spacedCode(p.nextCode);
  $('preview-seconds').textContent = p.secondsRemaining === 1 ? '1 second' : `${p.secondsRemaining} seconds`;
}

function stopPreview() {
  clearInterval(previewTimer);
  previewTimer = 0;
}

/**
 * The setup is confirmed: the secret has no more business in this page. Drops it from the
 * module, the QR code and the "Trouble scanning?" key, and empties the clipboard if the key was
 * copied there (best effort: the browser may refuse without a click).
 */
function forgetSecret() {
  stopPreview();
  if (current) current = { params: current.params, issuer: current.issuer, account: current.account };
  $('qr').replaceChildren();
  $('manual-key').textContent = '';
  setManualEntry(false);
  if (keyCopied) {
    keyCopied = false;
    navigator.clipboard?.writeText('').catch(() => {});
  }
}

/** Shows a set of recovery codes; `then` is the step Continue leads to. */
export function showRecoveryCodes(codes, { then = 'done' } = {}) {
  stopPreview();
  shownCodes = codes;
  afterCodes = then;
  $('recovery-list').replaceChildren(...codes.map((code) => h('li', {}, h('code', {}, code))));
  $('codes-saved').checked = false;
  $('recovery-continue').disabled = true;
  $('codes-status').textContent = '';
  showStep('recovery');
}

/** Leaves the recovery codes screen: the codes leave the page. */
function forgetCodes() {
  shownCodes = [];
  $('recovery-list').replaceChildren();
}

function recoveryText() {
  const codes = shownCodes.join('\n');
  const who = current ? `${current.issuer} (${current.account})` : 'totpkit demo';
  return `Recovery codes for ${who}\nEach code works once. Keep them somewhere safe.\n\n${codes}\n`;
}

/** Saves the codes as a .txt file: a Blob behind an object URL (allowed by the page's CSP). */
function downloadCodes() {
  const url = URL.createObjectURL(new Blob([recoveryText()], { type: 'text/plain' }));
  const link = h('a', { href: url, download: 'totpkit-demo-recovery-codes.txt', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  $('codes-status').textContent = 'Downloaded totpkit-demo-recovery-codes.txt';
}

/** Wires the enrollment steps; `navigate(step, opts)` is the app's router. */
export function setupEnrollment(ready, navigate) {
  go = navigate;
  $('trouble-button').addEventListener('click', () => {
    setManualEntry($('trouble-button').getAttribute('aria-expanded') !== 'true');
  });
  $('copy-key').addEventListener('click', () => {
    if (!current?.secret) return;
    keyCopied = true;
    copyText(current.secret, 'copy-key-status', $('manual-key'));
  });
  $('enroll-next').addEventListener('click', () => showStep('confirm', { focus: $('confirm-code') }));
  $('confirm-back').addEventListener('click', () => showStep('enroll'));
  onSubmit($('confirm-form'), () => confirmCode(ready));

  $('preview').addEventListener('toggle', () => {
    stopPreview();
    if ($('preview').open) {
      updatePreview();
      previewTimer = setInterval(updatePreview, 500);
    }
  });
  onStepChange((step) => {
    if (step !== 'confirm') $('preview').open = false;
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
    go('login', { notice: 'Two-factor authentication is on. Log in with your password, then a code from your app.' });
  });
}
