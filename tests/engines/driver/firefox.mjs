// Firefox ESR through puppeteer-core over WebDriver BiDi (no geckodriver). Headless; one
// browser per suite, a fresh browser context (cookies, storage) per page.
import puppeteer from 'puppeteer-core';

export const EXECUTABLE = '/usr/bin/firefox-esr';
const VIEWPORT = { width: 1280, height: 900 };

export async function launch() {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: EXECUTABLE,
    headless: true,
    defaultViewport: VIEWPORT,
    // Nothing outside the test's own servers is reachable here: keep Firefox from trying.
    extraPrefsFirefox: {
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'browser.safebrowsing.update.enabled': false,
    },
  });
  return {
    version: (await browser.version()).replace(/^firefox\//, 'Firefox '),
    newPage: async () => new FirefoxPage(await browser.createBrowserContext()),
    close: () => browser.close(),
  };
}

/** Escapes a string for a quoted value in puppeteer's ::-p-aria() selector. */
const quoted = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

class FirefoxPage {
  constructor(context) {
    this.context = context;
    this.page = null;
    this.reported = [];
  }

  async #ready() {
    if (this.page) return this.page;
    this.page = await this.context.newPage();
    this.page.on('console', (msg) => {
      if (msg.type() === 'error') this.reported.push(`console.error: ${msg.text()}`);
    });
    this.page.on('pageerror', (error) => this.reported.push(`page error: ${error.message}`));
    return this.page;
  }

  async goto(url) {
    const page = await this.#ready();
    const response = await page.goto(url, { waitUntil: 'load' });
    if (!response || !response.ok()) throw new Error(`${url}: HTTP ${response && response.status()}`);
  }

  async evaluate(fn, ...args) {
    return (await this.#ready()).evaluate(fn, ...args);
  }

  /** Elements whose accessible name (Firefox's accessibility tree) is `name`, with one of
   * `roles` if given; for a label (no roles), only form controls (`css`). */
  async byName(name, roles, css) {
    const page = await this.#ready();
    // `>>>` pierces open shadow roots (custom elements such as totpkit/elements); a bare
    // ::-p-aria() query does not in Firefox.
    if (roles) {
      const found = [];
      for (const role of roles) found.push(...await page.$$(`>>> ::-p-aria([name=${quoted(name)}][role=${quoted(role)}])`));
      return found;
    }
    const controls = [];
    for (const el of await page.$$(`>>> ::-p-aria([name=${quoted(name)}])`)) {
      if (await el.evaluate((e, css) => e.matches(css), css)) controls.push(el);
    }
    return controls;
  }

  click(el) {
    return el.click();
  }

  type(el, text) {
    return el.type(text);
  }

  async screenshot() {
    return Buffer.from(await (await this.#ready()).screenshot({ fullPage: true }));
  }

  problems() {
    return this.reported;
  }

  close() {
    return this.context.close();
  }
}
