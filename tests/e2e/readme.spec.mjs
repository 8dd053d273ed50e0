// The READMEs' browser blocks in Chromium, under the strict CSP, against the built package
// (tests/node/readme.test.mjs runs every block in Node; which block runs where is in
// tests/node/readme-blocks.mjs):
// - every ```js block without `export`, of npm/README.md and of README.md, in README order on one
//   page (each README on its own page), except server code (a block importing 'totpkit/server'
//   or its stores: Node only, see isServerOnly), as a same-origin module whose 'totpkit' and
//   'totpkit/elements' point at pkg/totpkit.js and pkg/elements.js; the page has the elements
//   and the names (`secret`, `typed`) the prose gives, the markup of the README's other ```html
//   blocks, a fixed clock, an /api/time that agrees with it (so the drift message is exact) and
//   the elements example's /api/2fa/confirm; what each block shows is checked: the QR read back
//   from a screenshot by jsQR, the live code, the drift message, the logged output, and for the
//   elements a person's enrollment (QR read back, the key, a code 2 minutes behind diagnosed,
//   the right code accepted and the QR gone);
// - the plain-HTML recipe (its ```html block with the ```js block after it as enroll.js, and the
//   package under ./node_modules/totpkit/), whose QR must read back.
import { test, expect } from '@playwright/test';
import { join } from 'node:path';
import { readQr } from './support/qr.mjs';
import { serveStatic } from './support/static.mjs';
import {
  root, READMES, codeBlocks, isServerModule, isServerOnly, importsByPath, importsElements, isMarkup, promisedOutput,
  PHONE_BEHIND_MS, DRIFT_MESSAGE, ATTEMPTS_LEFT, confirmAnswer,
} from '../node/readme-blocks.mjs';

const pkgDir = join(root, 'pkg');
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const { totpCode, generateSecret, verifyTotp } = await import(join(pkgDir, 'node.js'));
// The middle of a 30 s step, so nothing here can straddle a step boundary.
const NOW = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;

const send = (type, body) => (req, res) => {
  res.writeHead(200, { 'content-type': type, 'content-security-policy': CSP });
  res.end(body);
};

/** A block as the page's module: the package's specifiers point at the served pkg/. */
const toPkgPaths = (code) =>
  code
    .replace(/((?:from|import) )'totpkit\/elements\/([a-z-]+)'/g, (_, kw, name) => `${kw}'/pkg/elements/${name}.js'`)
    .replace(/((?:from|import) )'totpkit(\/elements)?'/g, (_, kw, sub) => `${kw}'/pkg/${sub ? 'elements' : 'totpkit'}.js'`);

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

/** The elements example, as a person with a phone: scan, open the key, a code from a phone 2
 * minutes behind (diagnosed, with the server's attemptsLeft), then the right code. */
async function expectEnrollmentElement(page, errors) {
  const enroll = page.locator('totp-enrollment');
  const qr = enroll.getByRole('img', { name: 'QR code to add ACME Co (alice@example.com) to an authenticator app' });
  const uri = new URL(await readQr(qr));
  expect(uri.protocol).toBe('otpauth:');
  expect(uri.searchParams.get('issuer')).toBe('ACME Co');
  const secret = uri.searchParams.get('secret');
  await enroll.getByRole('button', { name: 'Trouble scanning?' }).click();
  expect((await enroll.getByRole('code').textContent()).replace(/ /g, '')).toBe(secret);
  // This computer's clock agrees with /api/time: no banner.
  await expect(page.locator('totp-clock-check')).toHaveAttribute('data-status', /^(ok|minor)$/);
  await expect(page.getByRole('complementary')).toHaveCount(0);

  const field = enroll.getByLabel('Authentication code');
  const verify = enroll.getByRole('button', { name: 'Verify' });
  await field.fill(totpCode(secret, NOW - PHONE_BEHIND_MS));
  await verify.click();
  await expect(enroll.getByRole('alert')).toHaveText(new RegExp(`^Your phone's clock is about 2 minutes behind: .* ${ATTEMPTS_LEFT} attempts left\\.$`));
  // Chromium reports the refusal (401) as a console error: that one, and only it, is expected.
  expect(errors).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
  errors.length = 0;
  await field.fill(totpCode(secret, NOW));
  await verify.click();
  await expect(enroll.getByRole('status').filter({ hasText: 'Code accepted.' })).toBeVisible();
  await expect(qr).toHaveCount(0);
  await expect(enroll.getByRole('code')).toHaveCount(0);
}

for (const [name, file] of [['npm/README.md', READMES.npm], ['README.md', READMES.main]]) {
  test(`${name}: the browser blocks run in Chromium under the strict CSP and show what they say`, async ({ page }) => {
    const all = codeBlocks(file);
    // Server code is skipped here, not run: totpkit/server has no browser entry (its wasm is
    // loaded for Node, Deno, Bun and Workers), so a page importing it would only prove that.
    // tests/node/readme.test.mjs runs those blocks in Node.
    const blocks = all.filter((b) => b.lang === 'js' && !isServerModule(b) && !isServerOnly(b) && !importsByPath(b));
    expect(blocks.length).toBeGreaterThan(0);
    const markup = all.filter((b, i) => isMarkup(all, i)).map((b) => b.code).join('');
    const secret = generateSecret();
    const routes = {
      '/': send('text/html; charset=utf-8', `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<link rel="stylesheet" href="/page.css"><script src="/givens.js"></script></head>
<body><div id="qr"></div><code id="key"></code><output id="code"></output><p id="error"></p>
<div id="qrBox"></div><code id="manualKey"></code>
${markup}</body></html>`),
      '/page.css': send('text/css', '#qr, #qrBox { width: 240px; }'),
      '/givens.js': send('text/javascript', `var secret = ${JSON.stringify(secret)}, typed = ${JSON.stringify(totpCode(secret, NOW - PHONE_BEHIND_MS))};`),
      '/api/time': send('application/json', JSON.stringify({ now: NOW })),
      '/api/2fa/confirm': async (req, res) => {
        let body = '';
        for await (const chunk of req) body += chunk;
        const [status, answer] = confirmAnswer(verifyTotp, body, NOW);
        res.writeHead(status, { 'content-type': 'application/json', 'content-security-policy': CSP });
        res.end(JSON.stringify(answer));
      },
    };
    blocks.forEach((b, i) => {
      routes[`/blocks/${i}.js`] = send('text/javascript', toPkgPaths(b.code));
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
          if (importsElements(b)) await expectEnrollmentElement(page, errors);
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
  const at = blocks.findIndex((b, i) => b.lang === 'html' && !isMarkup(blocks, i));
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
