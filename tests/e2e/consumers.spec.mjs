// The package as frontend developers meet it, each consumer a fresh copy in a temp folder with
// the `npm pack` tarball installed: a Vite app (its own package.json and lockfile, no plugin, no
// config) → `vite build` → served → a QR and a code appear in Chromium; a plain
// <script type="module"> page with no bundler, importing the installed files; and a TypeScript
// consumer of every public export checked with `tsc --strict` against the installed tarball, in a
// DOM project and a Node-only one. (webpack: tests/e2e/runtimes.spec.mjs; Node, Bun, Deno and
// workerd: tests/node/runtimes.test.mjs.)
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import ts from 'typescript';
import { serveStatic } from './support/static.mjs';
import { RFC6238, installConsumer, rootDevVersion, cleanUp } from '../consumers/harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
test.afterAll(cleanUp);

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

/** What the page shows must be a real enrollment: the code is the one otpauth (npm) computes. */
async function expectQrAndCode(page) {
  await expect(page.locator('#qr svg')).toBeVisible();
  await expect(page.locator('#qr svg')).toHaveAttribute('aria-label', 'QR code to add ACME Co (alice@example.com) to an authenticator app');
  const key = (await page.locator('#key').textContent()).replace(/ /g, '');
  const shown = await page.locator('#code').textContent();
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) });
  const now = Date.now();
  expect([totp.generate({ timestamp: now }), totp.generate({ timestamp: now - 30_000 })]).toContain(shown);
}

function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

test('Vite: npm pack → install the tarball → vite build → QR and code in Chromium', async ({ page }) => {
  test.setTimeout(180_000);
  // A fresh copy of tests/consumers/vite with its lockfile's Vite and the tarball installed.
  const app = installConsumer('vite');
  execFileSync(join(app, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: app, stdio: 'inherit' });
  const server = await serveStatic({ mounts: { '/': join(app, 'dist') }, headers: { 'content-security-policy': CSP } });
  try {
    const errors = watchErrors(page);
    await page.goto(server.base + '/');
    await expectQrAndCode(page);
    expect(errors).toEqual([]);
  } finally {
    await server.close();
  }
});

test('plain <script type="module"> page, no bundler, under a strict CSP', async ({ page }) => {
  // An npm install runs first, as in the other consumers: once (session 7) this test ran past the
  // default 60 s with no expectation failing. The steps and the page's own time limit say which
  // part is slow if it happens again.
  test.setTimeout(120_000);
  const app = await test.step('npm install of the packed tarball', () => installConsumer('plain'));
  const server = await serveStatic({
    mounts: { '/': app, '/pkg/': join(app, 'node_modules', 'totpkit') },
    headers: { 'content-security-policy': CSP },
  });
  try {
    await test.step('the page draws the QR and the code', async () => {
      const errors = watchErrors(page);
      await page.goto(server.base + '/', { timeout: 30_000 });
      await expectQrAndCode(page);
      expect(errors).toEqual([]);
    });
  } finally {
    await server.close();
  }
});

test('TypeScript: every export type-checks under --strict (DOM and Node-only, no skipLibCheck), no any, instanceof TotpkitError', () => {
  test.setTimeout(120_000);
  // The types as a user's editor finds them: through the installed tarball's `exports`.
  const app = installConsumer('ts', { extra: [`@types/node@${rootDevVersion('@types/node')}`] });
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', 'tsconfig.json'], { cwd: app, stdio: 'inherit' });
  // Node-only: lib es2022 + @types/node and no DOM; emits the two small consumers it then runs.
  execFileSync(tsc, ['-p', 'tsconfig.node.json'], { cwd: app, stdio: 'inherit' });
  for (const file of ['errors.mjs', 'errors.cjs']) {
    const seen = JSON.parse(execFileSync(process.execPath, [join('out', file)], { cwd: app, encoding: 'utf8' }));
    expect(seen, file).toEqual({ code: RFC6238.code, caught: 'InvalidBase32' });
  }

  // No `any` anywhere in the public types: every `any` keyword in the .d.ts syntax tree (words
  // in comments don't count; a missing name is a tsc error above, since skipLibCheck is off).
  const parse = (path) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const dts = parse(join(app, 'node_modules', 'totpkit', 'totpkit.d.ts'));
  const anys = [];
  (function visit(node) {
    if (node.kind === ts.SyntaxKind.AnyKeyword) anys.push(`line ${dts.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.parent.getText()}`);
    ts.forEachChild(node, visit);
  })(dts);
  expect(anys).toEqual([]);

  // Every value the package exports (functions, the error class, the default init) is used by
  // the consumer, so each is checked.
  const has = (node, kind) => node.modifiers?.some((m) => m.kind === kind);
  const values = dts.statements
    .filter((s) => (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && has(s, ts.SyntaxKind.ExportKeyword))
    .map((s) => (has(s, ts.SyntaxKind.DefaultKeyword) ? 'default' : s.name.text));
  const consumer = parse(join(app, 'consumer.ts'));
  const clause = consumer.statements.find((s) => ts.isImportDeclaration(s) && s.moduleSpecifier.text === 'totpkit').importClause;
  const imported = [clause.name && 'default', ...clause.namedBindings.elements.map((e) => e.name.text)];
  expect(values.length).toBeGreaterThanOrEqual(18);
  expect(values.filter((v) => !imported.includes(v)), 'exports the TypeScript consumer does not check').toEqual([]);
});
