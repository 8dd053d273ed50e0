// The READMEs' browser blocks in Chromium, under the strict CSP, against the built package
// (tests/node/readme.test.mjs runs every block in Node; which block runs where is in
// tests/node/readme-blocks.mjs):
// - every ```js block without `export`, of npm/README.md and of README.md, in README order on one
//   page (each README on its own page), as a same-origin module whose `from 'totpkit'` points
//   at pkg/totpkit.js; the page has the elements and the names (`secret`, `typed`) the prose
//   gives, a fixed clock, and an /api/time that agrees with it, so the drift message is exact;
//   what each block shows is checked: the QR read back from a screenshot by jsQR, the live code,
//   the drift message, the logged output;
// - the plain-HTML recipe (its ```html block with the ```js block after it as enroll.js, and the
//   package under ./node_modules/totpkit/), whose QR must read back.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { readQr } from './support/qr.mjs';
import { serveStatic } from './support/static.mjs';
import {
  root, READMES, codeBlocks, isServerModule, importsByPath, promisedOutput, PHONE_BEHIND_MS, DRIFT_MESSAGE,
} from '../node/readme-blocks.mjs';

const pkgDir = join(root, 'pkg');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const { totpCode, generateSecret } = await import(join(pkgDir, 'node.js'));
// The middle of a 30 s step, so nothing here can straddle a step boundary.
const NOW = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

const send = (type, body) => (req, res) => {
  res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP });
  res.end(body);
};

function watch(page) {
  const errors = [];
  const logs = [];
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : m.type() === 'log' && logs.push(m.text())));
  page.on('pageerror', (e) => errors.push(String(e)));
  return { errors, logs };
}

async function expectQr(page, box, key) {
  const uri = new URL(await readQr(page.locator(box)));
  expect(uri.protocol).toBe('otpauth:');
  expect(uri.searchParams.get('secret')).toBe((await page.locator(key).textContent()).replace(/ /g, ''));
  expect(uri.searchParams.get('issuer')).toBe('ACME Co');
}

for (const [name, file] of [['npm/README.md', READMES.npm], ['README.md', READMES.main]]) {
  test(`${name}: the browser blocks run in Chromium under the strict CSP and show what they say`, async ({ page }) => {
    const blocks = codeBlocks(file).filter((b) => b.lang === 'js' && !isServerModule(b) && !importsByPath(b));
    expect(blocks.length).toBeGreaterThan(0);
    const secret = generateSecret();
    const routes = {
      '/': send('text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css"><script src="/givens.js"></script></head>
<body><div id="qr"></div><code id="key"></code><output id="code"></output><p id="error"></p>
<div id="qrBox"></div><code id="manualKey"></code></body></html>`),
      '/page.css': send('text/css', '#qr, #qrBox { width: 240px; }'),
      '/givens.js': send('text/javascript', `var secret = ${JSON.stringify(secret)}, typed = ${JSON.stringify(totpCode(secret, NOW - PHONE_BEHIND_MS))};`),
      '/api/time': send('application/json', JSON.stringify({ now: NOW })),
    };
    blocks.forEach((b, i) => {
      routes[`/blocks/${i}.js`] = send('text/javascript', b.code.replaceAll("from 'totpkit'", "from '/pkg/totpkit.js'"));
    });
    const server = await serveStatic({ mounts: { '/pkg/': pkgDir }, routes, headers: { 'content-security-policy': CSP } });
    try {
      await page.clock.setFixedTime(NOW);
      const { errors, logs } = watch(page);
      await page.goto(server.base + '/');
      for (const [i, b] of blocks.entries()) {
        await test.step(`block at line ${b.line}`, async () => {
          logs.length = 0;
          await page.evaluate((url) => import(url).then(() => undefined), `/blocks/${i}.js`);
          expect(logs, 'what the block logs is what its `// →` comments say').toEqual(promisedOutput(b));
          if (b.code.includes("querySelector('#qr')")) await expectQr(page, '#qr', '#key');
          if (b.code.includes('qrBox.innerHTML')) await expectQr(page, '#qrBox', '#manualKey');
          if (b.code.includes("querySelector('#code')")) {
            await expect(page.locator('#code')).toHaveText(new RegExp(`^${totpCode(secret, NOW)} · next ${totpCode(secret, NOW + 30_000)} in 15 s$`));
          }
          if (b.code.includes("querySelector('#error')")) await expect(page.locator('#error')).toHaveText(DRIFT_MESSAGE);
          expect(errors).toEqual([]);
        });
      }
    } finally {
      await server.close();
    }
  });
}

test('npm/README.md: the plain-HTML recipe runs under the strict CSP, and its QR reads back', async ({ page }) => {
  const blocks = codeBlocks(READMES.npm);
  const at = blocks.findIndex((b) => b.lang === 'html');
  const [html, script] = [blocks[at], blocks[at + 1]];
  expect(script.code).toMatch(/^\/\/ enroll\.js\n/);
  const server = await serveStatic({
    mounts: { '/recipe/node_modules/totpkit/': pkgDir },
    routes: {
      '/recipe/': send('text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>\n${html.code}</body></html>`),
      '/recipe/enroll.js': send('text/javascript', script.code),
    },
    headers: { 'content-security-policy': CSP },
  });
  try {
    const { errors } = watch(page);
    await page.goto(server.base + '/recipe/');
    await expect(page.locator('#qr svg')).toBeVisible();
    await page.setViewportSize({ width: 400, height: 600 });
    await expectQr(page, '#qr', '#key');
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});
