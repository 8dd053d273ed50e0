// Moving through the page with the keyboard only: Tab until the focused element is the one a
// person would be looking for (by its label or text), then Enter, Space or typing.
import { expect } from './fixtures.mjs';

/** The focused element's accessible-ish name: its label, or its text. Inside an open shadow
 * root (totpkit's elements), the element focused there. */
function focusedName(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return '';
    const label = el.labels && el.labels[0];
    return (label ? label.textContent : el.getAttribute('aria-label') || el.textContent || '').trim();
  });
}

/** Presses Tab (at most `max` times) until the focused element is named `name` (string or RegExp). */
export async function tabTo(page, name, max = 40) {
  const matches = (text) => (name instanceof RegExp ? name.test(text) : text === name);
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focusedName(page);
    if (matches(now)) return;
    seen.push(now);
  }
  throw new Error(`Tab never reached "${name}"; focus went through: ${seen.join(' | ')}`);
}

/** Counts pointer events in the page, to prove a test used no mouse. */
export async function countPointerEvents(page) {
  await page.addInitScript(() => {
    window.__pointerEvents = 0;
    for (const type of ['pointerdown', 'mousedown']) {
      addEventListener(type, () => { window.__pointerEvents += 1; }, true);
    }
  });
  return async () => expect(await page.evaluate(() => window.__pointerEvents)).toBe(0);
}
