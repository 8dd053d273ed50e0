// The demo's second backend (demo-node/server.mjs: Node, totpkit/server, its SQLite store) behind
// the same page: the article's main flow, the very function demo.spec.mjs runs against the mock
// server (support/main-flow.mjs), played in Chromium with the same guard (no console error, no
// request to another origin); then the two servers side by side over HTTP: the same requests get
// the same statuses, error names, fields, cookies and headers.
import { test as plain } from '@playwright/test';
import { request as httpRequest } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, NODE_SERVER } from './support/node-backend.mjs';
import { articleFlow } from './support/main-flow.mjs';
import { heading, onScreen, openDemo, logIn, scanQr, goToCode, enterCode } from './support/flow.mjs';
import { findServerBinary, startServer } from './support/server.mjs';
import { Phone } from './support/phone.mjs';

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

test("Node backend: the article's flow (log in, QR, code, recovery codes, new login page, sign in with a code)", async ({ page, server }) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await articleFlow(page, server, (step) => page.screenshot({ path: join(SHOTS, `node-backend-${step}.png`), fullPage: true }));
  expect(server.log()).toMatch(/^POST \/api\/login\/otp 200$/m);
});

// ---- The two backends side by side ---------------------------------------------------------------

/** One HTTP request (node:http, so that Host can be anything), with a cookie jar. */
function call(base, jar, method, path, { json, body, headers = {} } = {}) {
  const url = new URL(path, base);
  const payload = json !== undefined ? JSON.stringify(json) : body;
  const sent = { ...headers };
  if (json !== undefined) sent['content-type'] = 'application/json';
  if (jar.size) sent.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: sent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        for (const cookie of res.headers['set-cookie'] ?? []) {
          const [pair] = cookie.split(';');
          const [name, value] = pair.split('=');
          if (/Max-Age=0/.test(cookie)) jar.delete(name);
          else jar.set(name, value);
        }
        let data = null;
        try {
          data = JSON.parse(text);
        } catch {
          // Not JSON: a page, a file, or no body.
        }
        resolve({ status: res.statusCode, headers: res.headers, data });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// What a page or a client depends on; Date, lengths and connection headers differ by design.
const COMPARED_HEADERS = ['content-type', 'cache-control', 'content-security-policy', 'referrer-policy', 'x-content-type-options',
  'cross-origin-opener-policy', 'permissions-policy', 'retry-after', 'allow'];
// Values that are fresh on every run: compared by type.
const FRESH = new Set(['now', 'otpauthUri', 'secret', 'expiresAt']);

/** The same walk through the API on one server: a transcript of what every answer said. */
async function transcript(server) {
  const jar = new Map();
  const lines = [];
  let phone;
  const step = async (name, method, path, opts) => {
    const res = await call(server.url, jar, method, path, opts);
    const headers = Object.fromEntries(COMPARED_HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, res.headers[h]]));
    const session = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('totpkit_session='));
    const data = res.data && Object.fromEntries(Object.entries(res.data).map(([k, v]) => [k,
      FRESH.has(k) ? typeof v : k === 'recoveryCodes' ? v.map((c) => /^[0-9a-z]{5}-[0-9a-z]{5}$/.test(c)) : v]));
    lines.push({ name, status: res.status, data, headers, cookie: session?.replace(/=[^;]*/, '=…') });
    expect(res.headers.date, name).toBeTruthy();
    return res;
  };
  const login = { email: server.email, password: server.password };

  await step('page', 'GET', '/');
  await step('wasm', 'GET', '/pkg/totpkit_bg.wasm');
  await step('module', 'GET', '/app.js');
  await step('missing file', 'GET', '/nothing-here.js');
  await step('time', 'GET', '/api/time');
  await step('ping', 'GET', '/api/ping');
  await step('unknown api', 'GET', '/api/nothing');
  await step('wrong method', 'GET', '/api/login');
  await step('foreign host', 'GET', '/', { headers: { host: `rebind.attacker.example:${new URL(server.url).port}` } });
  await step('cross origin', 'POST', '/api/login', { json: login, headers: { origin: 'http://evil.example' } });
  await step('not json', 'POST', '/api/login', { body: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await step('malformed json', 'POST', '/api/login', { body: '{"email":', headers: { 'content-type': 'application/json' } });
  await step('wrong fields', 'POST', '/api/login', { json: { email: 1 } });
  await step('too large', 'POST', '/api/login', { json: { email: 'a'.repeat(20_000), password: 'x' } });
  await step('wrong password', 'POST', '/api/login', { json: { ...login, password: 'wrong' } });
  await step('enroll without session', 'POST', '/api/2fa/enroll');
  await step('me without session', 'GET', '/api/me');

  await step('login', 'POST', '/api/login', { json: login });
  await step('me, password only', 'GET', '/api/me');
  const enrolled = await step('enroll', 'POST', '/api/2fa/enroll');
  phone = Phone.fromUri(enrolled.data.otpauthUri);
  const again = await step('enroll again (resumed)', 'POST', '/api/2fa/enroll');
  expect(again.data.secret).toBe(enrolled.data.secret);
  await step('confirm, not a code', 'POST', '/api/2fa/confirm', { json: { code: '12' } });
  await step('confirm, wrong code', 'POST', '/api/2fa/confirm', { json: { code: phone.wrongCode() } });
  await step('confirm, wrong again', 'POST', '/api/2fa/confirm', { json: { code: phone.wrongCode() } });
  const confirming = await phone.freshCode();
  await step('confirm', 'POST', '/api/2fa/confirm', { json: { code: confirming } });
  await step('me, signed in', 'GET', '/api/me');
  await step('confirm again', 'POST', '/api/2fa/confirm', { json: { code: phone.wrongCode() } });
  await step('second factor, signed in', 'POST', '/api/login/otp', { json: { code: '123456' } });
  await step('logout', 'POST', '/api/logout', { json: {} });

  await step('login, enrolled', 'POST', '/api/login', { json: login });
  await step('replayed code', 'POST', '/api/login/otp', { json: { code: confirming } });
  await step('code and recovery code', 'POST', '/api/login/otp', { json: { code: '123456', recoveryCode: 'abcde-12345' } });
  await step('not a recovery code', 'POST', '/api/login/otp', { json: { recoveryCode: 'x' } });
  await step('sign in with a code', 'POST', '/api/login/otp', { json: { code: await phone.freshCode() } });
  const fresh = await step('new recovery codes', 'POST', '/api/2fa/recovery-codes', { json: { password: server.password } });
  await step('logout again', 'POST', '/api/logout', { json: {} });
  await step('reset with a recovery code', 'POST', '/api/2fa/reset', { json: { ...login, recoveryCode: fresh.data.recoveryCodes[0] } });
  await step('enroll after reset', 'POST', '/api/2fa/enroll');
  return lines;
}

plain('the Node backend answers the API as the mock server does: statuses, errors, fields, cookies, headers', async () => {
  plain.setTimeout(900_000); // the mock server is built first on a fresh machine
  const mock = await startServer(await findServerBinary());
  let node;
  try {
    node = await startServer(NODE_SERVER);
    const expected = await transcript(mock);
    const actual = await transcript(node);
    for (let i = 0; i < expected.length; i++) expect(actual[i], `${expected[i].name}\n${node.log()}`).toEqual(expected[i]);
    // The walk means what it says (against the mock server, the reference).
    const by = Object.fromEntries(expected.map((l) => [l.name, l]));
    expect(by['foreign host']).toMatchObject({ status: 421, data: { error: 'unknown_host' } });
    expect(by['confirm, wrong again']).toMatchObject({ status: 401, data: { error: 'invalid_code', attemptsLeft: 8, hint: 'check_clock' } });
    expect(by.confirm).toMatchObject({ status: 200, data: { next: 'done', recoveryCodes: Array(10).fill(true) } });
    expect(by['replayed code']).toMatchObject({ status: 401, data: { error: 'code_already_used' } });
    expect(by['sign in with a code']).toMatchObject({ status: 200, data: { next: 'done', recoveryCodesLeft: 10 } });
    expect(by['enroll after reset']).toMatchObject({ status: 200, data: { resumed: false } });
  } finally {
    await mock.stop();
    await node?.stop();
  }
});

test("Node backend: the kit's delay reaches the page as 429 + Retry-After, and the element waits it out", async ({ page, server }) => {
  await openDemo(page, server);
  await logIn(page, server);
  const phone = await scanQr(page);
  // Five wrong codes from another session of the account, from the same address, each after the
  // wait the last one imposed (1 s, then 2 s): this source now waits 4 s. The kit's delays belong
  // to the account and the source, not to a session.
  const jar = new Map();
  await call(server.url, jar, 'POST', '/api/login', { json: { email: server.email, password: server.password } });
  const pending = await call(server.url, jar, 'POST', '/api/2fa/enroll');
  expect(pending.data.resumed).toBe(true);
  const statuses = [];
  while (statuses.filter((s) => s === 401).length < 5) {
    const answer = await call(server.url, jar, 'POST', '/api/2fa/confirm', { json: { code: phone.wrongCode() } });
    statuses.push(answer.status);
    if (answer.status === 429) {
      expect(answer.data).toEqual({ error: 'too_many_attempts', retryAfter: Number(answer.headers['retry-after']) });
      await new Promise((r) => setTimeout(r, answer.data.retryAfter * 1000));
    }
  }
  expect(statuses).toEqual([401, 401, 401, 429, 401, 429, 401]);
  await goToCode(page);
  await enterCode(page, phone.wrongCode());
  await expect(onScreen(page).getByRole('alert')).toContainText(/Too many attempts - try again in [1-4] s\./);
  expect(server.log()).toMatch(/^POST \/api\/2fa\/confirm 429 too_many_attempts$/m);
  // Verify comes back after the wait; the right code is then accepted.
  await expect(page.getByRole('button', { name: 'Verify', exact: true })).toBeEnabled();
  await enterCode(page, await phone.freshCode());
  await expect(heading(page, 'Save your recovery codes')).toBeVisible();
});
