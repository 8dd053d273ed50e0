// WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver. MiniBrowser has no
// headless mode and session creation hangs without a display, so the driver runs under
// `xvfb-run -a`, in its own process group: closing (or the test process exiting) kills Xvfb,
// the driver and every browser together. A fresh WebDriver session (a fresh MiniBrowser, its
// own cookies) per page.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Builder } from 'selenium-webdriver';

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const WINDOW = { width: 1280, height: 900 };

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function launch() {
  const port = await freePort();
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const killGroup = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
  };
  // A test process that dies without close() must not leave Xvfb and browsers behind.
  process.once('exit', killGroup);

  const server = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${server}/status`)).ok) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup();
      throw new Error(`WebKitWebDriver did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const newSession = async () => {
    const driver = await new Builder()
      .usingServer(server)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .build();
    await driver.manage().window().setRect(WINDOW);
    return driver;
  };
  const first = await newSession();
  const version = `WebKitGTK ${(await first.getCapabilities()).get('browserVersion')}`;
  await first.quit();

  return {
    version,
    newPage: async () => new WebKitPage(await newSession()),
    close: async () => {
      killGroup();
      process.removeListener('exit', killGroup);
    },
  };
}

class WebKitPage {
  constructor(driver) {
    this.driver = driver;
  }

  goto(url) {
    return this.driver.get(url);
  }

  evaluate(fn, ...args) {
    // WebDriver's Execute Script awaits a returned promise, so async functions work too.
    return this.driver.executeScript(`return (${fn}).apply(null, arguments);`, ...args);
  }

  /** Rendered candidates (`css`) whose accessible name, as WebKit computes it, is `name`, and
   * whose computed role is one of `roles` when they are given. */
  async byName(name, roles, css) {
    const found = [];
    // Rendered candidates first (one round trip), then a name and role question for each.
    // Open shadow roots too (custom elements such as totpkit/elements), as a person sees them.
    const rendered = await this.driver.executeScript(`
      const found = [];
      const walk = (root) => {
        found.push(...root.querySelectorAll(arguments[0]));
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      return found.filter((e) => e.getClientRects().length > 0);`, css);
    for (const el of rendered) {
      try {
        if ((await el.getAccessibleName()).trim() !== name) continue;
        if (roles && !roles.includes(await el.getAriaRole())) continue;
        found.push(el);
      } catch { /* went stale while we looked */ }
    }
    return found;
  }

  click(el) {
    return el.click();
  }

  type(el, text) {
    return el.sendKeys(text);
  }

  /** WebKitWebDriver's screenshot is the viewport; element screenshots can come out garbled. */
  async screenshot() {
    return Buffer.from(await this.driver.takeScreenshot(), 'base64');
  }

  problems() {
    return [];
  }

  close() {
    return this.driver.quit();
  }
}
