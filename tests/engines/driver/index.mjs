// The small driver layer the engine journeys are written against: find by role and accessible
// name (or by label), type, click, read text, take a full-page screenshot. One `Page` class holds
// the waiting and the semantics; each engine supplies a backend of a few primitive operations:
//
//   firefox  Firefox ESR through puppeteer-core over WebDriver BiDi (./firefox.mjs)
//   webkit   WebKitGTK's MiniBrowser through WebKitWebDriver + selenium-webdriver, under
//            xvfb-run (./webkit.mjs)
//
// Names come from each engine's own accessibility computation (puppeteer's ARIA query in
// Firefox, WebDriver's "computed label" in WebKit), so a page whose names differ between
// engines fails here, which is the point. Playwright and Chromium remain the deep suite
// (tests/e2e/); this layer only needs what a person does.
import { readQrFromPng } from './qr.mjs';

export const ENGINES = ['firefox', 'webkit'];

/** Where pages the suites serve themselves find the test-only preload script (./preload.js). */
export const PRELOAD_PATH = '/__engines/preload.js';
export const PRELOAD_DIR = new URL('.', import.meta.url).pathname;

/** `url` with the preload's fake clock set to `unixMs` (only on pages that load the preload). */
export function withFakeClock(url, unixMs) {
  const u = new URL(url);
  u.searchParams.set('fake-clock', String(unixMs));
  return u.href;
}

/** Launches an engine; resolves to { name, version, newPage(), close() }. */
export async function launch(engine) {
  const backends = {
    firefox: () => import('./firefox.mjs'),
    webkit: () => import('./webkit.mjs'),
  };
  if (!backends[engine]) throw new Error(`unknown engine "${engine}" (one of ${ENGINES.join(', ')})`);
  const browser = await (await backends[engine]()).launch();
  return {
    name: engine,
    version: browser.version,
    /** A fresh page with its own cookies and storage. */
    newPage: async () => new Page(await browser.newPage()),
    close: () => browser.close(),
  };
}

// The roles the journeys use: CSS candidates (WebKit filters them by its computed name) and
// the names engines compute for the role. Both engines call an <svg role="img"> "image" (the
// ARIA 1.3 synonym) in their automation APIs. A role missing here fails loudly.
const ROLES = {
  button: { css: 'button, [role="button"], input[type="submit"], input[type="button"]', computed: ['button'] },
  heading: { css: 'h1, h2, h3, h4, h5, h6, [role="heading"]', computed: ['heading'] },
  img: { css: 'img, svg, [role="img"]', computed: ['img', 'image'] },
  checkbox: { css: 'input[type="checkbox"], [role="checkbox"]', computed: ['checkbox'] },
  status: { css: 'output, [role="status"]', computed: ['status'] },
  alert: { css: '[role="alert"]', computed: ['alert'] },
  link: { css: 'a[href], [role="link"]', computed: ['link'] },
};
const CONTROLS = 'input, select, textarea';

/** What a query looked for, for failure messages. */
const describe = (q) => (q.label !== undefined ? `control labelled "${q.label}"` : `${q.role}${q.level ? ` (level ${q.level})` : ''} "${q.name}"`);

export class Page {
  constructor(backend) {
    this.backend = backend;
  }

  async goto(url) {
    await this.backend.goto(url);
  }

  /** Runs `fn` in the page with JSON-able arguments or elements; resolves to its JSON-able result. */
  evaluate(fn, ...args) {
    return this.backend.evaluate(fn, ...args);
  }

  /**
   * Waits for a visible element, found by `{ role, name, level? }` (the accessible name, exact)
   * or `{ label }` (a form control whose accessible name is the label). Returns the first.
   */
  async find(query, { timeout = 10_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = await this.#findNow(query);
      if (found) return found;
      if (Date.now() > deadline) {
        const headings = await this.evaluate(() => [...document.querySelectorAll('h1, h2')].filter((h) => h.getClientRects().length).map((h) => h.textContent.trim()));
        throw new Error(`no visible ${describe(query)} after ${timeout} ms (headings on screen: ${JSON.stringify(headings)})`);
      }
      await sleep(100);
    }
  }

  async #findNow(query) {
    let candidates;
    if (query.label !== undefined) {
      candidates = await this.backend.byName(query.label, null, CONTROLS);
    } else {
      const role = ROLES[query.role];
      if (!role) throw new Error(`the driver knows no role "${query.role}" (add it to ROLES)`);
      candidates = await this.backend.byName(query.name, role.computed, role.css);
    }
    for (const el of candidates) {
      // Rendered (not hidden, not display:none, with a box) and of the asked heading level.
      // Written inline: the pages' CSP forbids building functions from strings.
      const ok = await this.evaluate((el, level) => {
        if (typeof el.checkVisibility === 'function' && !el.checkVisibility()) return false;
        const r = el.getBoundingClientRect();
        if (!(r.width > 0 && r.height > 0)) return false;
        return !level || el.tagName === `H${level}` || el.getAttribute('aria-level') === String(level);
      }, el, query.level || 0).catch(() => false);
      if (ok) return el;
    }
    return null;
  }

  /** Waits for the level-1 heading `name` (the demo's step titles). */
  heading(name) {
    return this.find({ role: 'heading', level: 1, name });
  }

  /** Clicks like a person: a real pointer click through the driver. */
  async click(query) {
    await this.backend.click(await this.#element(query));
  }

  /** Empties the control, then types `text` key by key. */
  async fill(query, text) {
    const el = await this.#element(query);
    await this.evaluate((el) => { el.value = ''; }, el);
    await this.backend.type(el, text);
  }

  /** The element's visible text (`textContent`, trimmed). */
  async text(query) {
    return this.evaluate((el) => el.textContent.trim(), await this.#element(query));
  }

  /** Texts of every element matching a CSS selector (for lists). */
  texts(css) {
    return this.evaluate((css) => [...document.querySelectorAll(css)].map((e) => e.textContent.trim()), css);
  }

  /** Whether `css` or a found element currently has the focus. */
  async isFocused(query) {
    return this.evaluate((el) => el === document.activeElement, await this.#element(query));
  }

  /** Waits until `predicate` (run in the page with `args`) returns a truthy value, and returns it. */
  async waitFor(predicate, { timeout = 10_000, what = 'a condition' } = {}, ...args) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(predicate, ...args);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await sleep(100);
    }
  }

  /** Waits until the text on screen (`innerText`: hidden parts left out) contains `text`. */
  waitForText(text, opts) {
    return this.waitFor(
      (text) => document.body.innerText.replace(/\s+/g, ' ').includes(text),
      { what: `the text "${text}" on screen`, ...opts },
      text,
    );
  }

  /** Scrolls the element to the middle of the viewport (before a screenshot). */
  async scrollIntoView(query) {
    await this.evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'center' }), await this.#element(query));
  }

  /** A PNG of the page (the whole page where the engine can; the viewport in WebKit), taken
   * once the page has painted what its DOM says. */
  async screenshot() {
    await this.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))));
    return this.backend.screenshot();
  }

  /** Scrolls `query` into view, takes a full-page screenshot and decodes the QR code in it. */
  async readQr(query) {
    await this.scrollIntoView(query);
    const png = await this.screenshot();
    return { text: readQrFromPng(png), png };
  }

  /** Problems the preload script recorded (pages that load it) plus what the engine reported. */
  async problems() {
    const inPage = await this.evaluate(() => (window.__engineProblems ? [...window.__engineProblems] : []));
    return [...inPage, ...this.backend.problems()];
  }

  /** The origins of every resource the page loaded (the Resource Timing API, in both engines). */
  origins() {
    return this.evaluate(() => [...new Set([location.href, ...performance.getEntriesByType('resource').map((e) => e.name)]
      .filter((u) => !u.startsWith('data:')).map((u) => new URL(u).origin))]);
  }

  close() {
    return this.backend.close();
  }

  async #element(query) {
    return typeof query === 'object' && (query.role || query.label !== undefined) ? this.find(query) : query;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
