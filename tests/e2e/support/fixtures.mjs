// Playwright fixtures for the demo tests: a fresh mock server per test, and a guard that fails
// the test if the page logged an error, threw, broke its CSP, or sent a request anywhere but
// its own server.
import { test as base, expect } from '@playwright/test';
import { findServerBinary, startServer } from './server.mjs';

export { expect };

// Chromium reports every 4xx answer to fetch() as a console error ("Failed to load resource").
// The API answers wrong codes with 401 and throttling with 429 by design; those are the only
// console errors allowed, and only for /api/ URLs.
const EXPECTED_API_STATUS = /^Failed to load resource: the server responded with a status of (401|409|410|422|423|429) /;

export const test = base.extend({
  serverOptions: [{}, { option: true }],
  permissions: [['clipboard-read', 'clipboard-write'], { option: true }],

  // Found (or built, which may take minutes on a fresh machine) once per worker.
  serverBinary: [async ({}, use) => use(await findServerBinary()), { scope: 'worker', timeout: 900_000 }],

  server: async ({ serverBinary, serverOptions }, use) => {
    const server = await startServer(serverBinary, serverOptions);
    await use(server);
    await server.stop();
  },

  guard: [
    async ({ page, server }, use, testInfo) => {
      const problems = [];
      const origins = new Set();
      page.on('console', (msg) => {
        if (msg.type() !== 'error' && msg.type() !== 'warning') return;
        const where = msg.location()?.url || '';
        if (msg.type() === 'error' && EXPECTED_API_STATUS.test(msg.text()) && where.startsWith(`${server.origin}/api/`)) return;
        problems.push(`console.${msg.type()}: ${msg.text()} (${where})`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('request', (request) => {
        const url = request.url();
        if (url.startsWith('data:')) return;
        origins.add(new URL(url).origin);
      });
      page.on('requestfailed', (request) => {
        const failure = request.failure()?.errorText || '';
        // A navigation away (logout → login) may abort a clock sample; nothing else may fail.
        if (!/ERR_ABORTED/.test(failure)) problems.push(`request failed: ${request.url()} ${failure}`);
      });
      await use({ problems, origins });
      if (testInfo.status === testInfo.expectedStatus) {
        expect(problems, `the page logged errors\n${server.log()}`).toEqual([]);
        expect([...origins], 'every request goes to the page\'s own server').toEqual([server.origin]);
      }
    },
    { auto: true },
  ],
});
