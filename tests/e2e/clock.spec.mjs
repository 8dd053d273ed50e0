// checkClock in headless Chromium against a local HTTP server whose clock is shifted by a known
// amount: through a JSON { now } endpoint and a Date-header-only endpoint, and with the
// browser's own clock faked instead. The estimate must land within its own error bound.
import { test, expect } from '@playwright/test';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './support/static.mjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');
let server, base, serverOffsetMs = 0;

test.beforeAll(async () => {
  const date = () => new Date(Date.now() + serverOffsetMs).toUTCString();
  server = await serveStatic({
    mounts: { '/pkg/': pkgDir },
    routes: {
      '/time': (req, res) => {
        const shifted = Date.now() + serverOffsetMs;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', date: new Date(shifted).toUTCString() });
        res.end(JSON.stringify({ now: shifted }));
      },
      '/date-only': (req, res) => {
        res.writeHead(204, { 'cache-control': 'no-store', date: date() });
        res.end();
      },
      '/down': (req) => req.socket.destroy(),
      '/': (req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" });
        res.end('<!doctype html><title>clock</title><link rel="icon" href="data:,">');
      },
    },
  });
  base = server.base;
});

test.afterAll(() => server.close());

async function check(page, path, opts = {}) {
  return page.evaluate(
    async ([path, opts]) => {
      const m = await import('/pkg/totpkit.js');
      await m.default();
      try {
        return await m.checkClock(path, opts);
      } catch (e) {
        return { error: e.name, code: e.code };
      }
    },
    [path, opts],
  );
}

for (const [label, path, injected] of [
  ['JSON endpoint, server +120 s', '/time', 120_000],
  ['JSON endpoint, server -47.25 s', '/time', -47_250],
  ['Date header only, server +120 s', '/date-only', 120_000],
]) {
  test(`checkClock: ${label}`, async ({ page }) => {
    serverOffsetMs = injected;
    await page.goto(base + '/');
    const est = await check(page, path);
    console.log(`${label}: injected ${injected} ms, measured ${est.offsetMs.toFixed(1)} ± ${est.errorMs.toFixed(1)} ms (rtt ${est.rttMs.toFixed(1)} ms, ${est.samples} samples, ${est.status})`);
    expect(est.samples).toBe(5);
    expect(Math.abs(est.offsetMs - injected)).toBeLessThanOrEqual(est.errorMs);
    expect(est.status).toBe('critical');
    if (path === '/date-only') expect(est.errorMs).toBeGreaterThanOrEqual(500);
  });
}

test('checkClock: browser clock faked 5 minutes ahead', async ({ page }) => {
  serverOffsetMs = 0;
  await page.clock.install({ time: Date.now() + 300_000 });
  await page.clock.resume();
  await page.goto(base + '/');
  const est = await check(page, '/time');
  console.log(`browser +5 min: measured ${est.offsetMs.toFixed(1)} ± ${est.errorMs.toFixed(1)} ms`);
  expect(Math.abs(est.offsetMs - -300_000)).toBeLessThanOrEqual(est.errorMs + 1000);
  expect(est.status).toBe('critical');
});

test('checkClock: a synchronized clock is ok; failures reject with ClockCheckFailed', async ({ page }) => {
  serverOffsetMs = 0;
  await page.goto(base + '/');
  const ok = await check(page, '/time', { samples: 3 });
  expect(ok.status).toBe('ok');
  expect(ok.samples).toBe(3);
  expect(await check(page, '/down', { samples: 2, timeoutMs: 2000 })).toEqual({ error: 'TotpkitError', code: 'ClockCheckFailed' });
  expect(await check(page, '/nowhere', { samples: 1 })).toEqual({ error: 'TotpkitError', code: 'ClockCheckFailed' });
  expect(await check(page, 'https://example.com/time', { samples: 1 })).toEqual({ error: 'TotpkitError', code: 'InvalidOptions' });
  expect(await check(page, '/time', { samples: 0 })).toEqual({ error: 'TotpkitError', code: 'InvalidOptions' });
});
