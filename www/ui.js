// Small DOM helpers shared by the steps: showing one step at a time, errors, notices, copying,
// and holding a button while the server asks us to wait. Words come from i18n.js.

import { t, say, onLanguage } from './i18n.js';

const $ = (id) => document.getElementById(id);
export { $ };

/** Builds an element: h('p', { className: 'x' }, 'text', child, …). Text is never parsed as HTML. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key in el) el[key] = value;
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

const stepListeners = [];

/** Calls fn(name) whenever a step is shown (e.g. to stop a timer that belongs to another step). */
export function onStepChange(fn) {
  stepListeners.push(fn);
}

/**
 * Shows one step and hides the others, then moves focus to its heading (or to `focus`, for
 * steps whose whole purpose is typing a code), so keyboard and screen-reader users start at
 * the top of what changed.
 */
export function showStep(name, { focus } = {}) {
  $('loading').hidden = true;
  let shown = null;
  for (const section of document.querySelectorAll('section[data-step]')) {
    section.hidden = section.dataset.step !== name;
    if (!section.hidden) shown = section;
  }
  const heading = shown.querySelector('h1');
  document.title = t('title', heading.textContent);
  document.body.dataset.currentStep = name;
  for (const fn of stepListeners) fn(name);
  (focus || heading).focus();
}

/** Sets (or, with no text, clears) the error of a form; the element has role="alert". */
export function setError(id, ...content) {
  const el = $(id);
  el.replaceChildren(...content.flat().filter((c) => c !== null && c !== undefined && c !== ''));
  const form = el.closest('form');
  if (form) {
    for (const input of form.querySelectorAll('input')) {
      if (content.length && content.some(Boolean)) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
}

/** A short note in a visible notice paragraph (hidden without one): the word for `key`. */
export function setNotice(id, key) {
  const el = $(id);
  say(el, key);
  el.hidden = !key;
}

// A new language: the title follows the step's heading, and a message written for a form in
// the old one goes (the elements clear their own when they re-render).
onLanguage(() => {
  const shown = document.querySelector('section[data-step]:not([hidden]) h1');
  if (shown) document.title = t('title', shown.textContent);
  for (const el of document.querySelectorAll('form [role="alert"]')) setError(el.id);
});

/**
 * Copies text and says "Copied" in the status element next to the button (a live region).
 * Falls back to selecting `selectTarget` when the Clipboard API is unavailable or refused.
 */
export async function copyText(text, statusId, selectTarget) {
  const status = $(statusId);
  say(status);
  try {
    await navigator.clipboard.writeText(text);
    say(status, 'copied');
  } catch {
    if (selectTarget) {
      const range = document.createRange();
      range.selectNodeContents(selectTarget);
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
    say(status, 'copyBlocked');
  }
  clearTimeout(status.clearTimer);
  status.clearTimer = setTimeout(() => say(status), 5000);
}

/**
 * The server answered 429: says "Too many attempts — try again in N s" and keeps the form's
 * submit button disabled until then. Focus stays in the form's first text field, since a
 * disabled button cannot hold it.
 */
export function holdForm(form, errorId, seconds) {
  const button = form.querySelector('button[type="submit"]');
  const field = form.querySelector('input:not([type="hidden"])');
  if (document.activeElement === button && field) field.focus();
  setError(errorId, t('holdForm', seconds));
  button.disabled = true;
  form.dataset.held = 'true';
  clearTimeout(form.holdTimer);
  form.holdTimer = setTimeout(() => {
    button.disabled = false;
    delete form.dataset.held;
    setError(errorId);
  }, seconds * 1000);
}

/**
 * Wires a form's submit to an async handler, ignoring submits while one is running or while
 * the server asked us to wait.
 */
export function onSubmit(form, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.dataset.busy || form.dataset.held) return;
    form.dataset.busy = 'true';
    form.setAttribute('aria-busy', 'true');
    try {
      await handler(new FormData(form));
    } finally {
      delete form.dataset.busy;
      form.removeAttribute('aria-busy');
    }
  });
}

/** "1 attempt left." / "4 attempts left.": the elements' sentence, in their language. */
export function attemptsLeft(n) {
  return $('otp-code').strings.attemptsLeft(n);
}
