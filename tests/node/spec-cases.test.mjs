// The shared case files (tests/data/*-cases.json) through the package's public API in Node: the
// JS rules a page runs without the wasm (normalizeCode, parseHttpDate, estimateClockOffset,
// checkClock's options, buildOtpauthUri, the QR drawn in JS, enrollment()'s parts) must answer
// every case as the core does
// (tests/core/spec_cases.rs runs the same files against the core, and cross-checks the two on
// generated input).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tk } from '../package/load.mjs';

const data = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const cases = (name) => JSON.parse(readFileSync(join(data, name), 'utf8'));

/** `{ ok }` or `{ error }` (a TotpkitError's code: anything else is a failure). */
async function answer(f) {
  try {
    return { ok: await f() };
  } catch (e) {
    assert.ok(e instanceof tk.TotpkitError, String(e));
    return { error: e.code };
  }
}

function expect(c, got, want) {
  if (c.error) assert.deepEqual(got, { error: c.error }, JSON.stringify(c));
  else if (want !== null && typeof want === 'object') for (const [k, v] of Object.entries(want)) assert.equal(got.ok?.[k], v, `${JSON.stringify(c)}: ${JSON.stringify(got)}`);
  else assert.deepEqual(got, { ok: want }, JSON.stringify(c));
}

test('HTTP dates: tests/data/http-date-cases.json', async () => {
  const { cases: list } = cases('http-date-cases.json');
  assert.ok(list.length >= 40);
  for (const c of list) expect(c, await answer(() => tk.parseHttpDate(c.value)), c.unixMs);
});

test('typed codes: tests/data/code-cases.json', async () => {
  const { cases: list } = cases('code-cases.json');
  assert.ok(list.length >= 40);
  for (const c of list) expect(c, await answer(() => tk.normalizeCode(c.typed, c.digits)), c.code);
});

test('otpauth URIs: tests/data/uri-cases.json', async () => {
  const { cases: list } = cases('uri-cases.json');
  assert.ok(list.length >= 40);
  for (const c of list) expect(c, await answer(() => tk.buildOtpauthUri(c.params)), c.uri);
});

test('QR codes: tests/data/qr-cases.json, through the browser front\'s encoder (npm/qr.js) and the package\'s', async () => {
  const { qrSvg } = await import(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg', 'qr.js'));
  const { cases: list } = cases('qr-cases.json');
  assert.ok(list.length >= 80);
  const sha = (text) => createHash('sha256').update(text).digest('hex');
  for (const c of list) {
    const draw = [() => qrSvg(c.text, c.ecc, c.quietZone ?? NaN, c.dark, c.light, c.title), () => tk.renderQrSvg(c.text, c)];
    for (const f of draw) {
      const got = await answer(f);
      if (c.error) assert.deepEqual(got, { error: c.error }, JSON.stringify(c).slice(0, 200));
      else assert.equal(sha(got.ok ?? ''), c.svgSha256, JSON.stringify(c).slice(0, 200));
    }
  }
});

test('enrollments: tests/data/enrollment-cases.json', async () => {
  const { cases: list } = cases('enrollment-cases.json');
  assert.ok(list.length >= 15);
  for (const c of list) {
    const got = await answer(() => tk.enrollment(c.params));
    if (c.error) assert.deepEqual(got, { error: c.error }, JSON.stringify(c));
    else {
      const { secret, uri, manualKey, altText, params } = got.ok;
      assert.deepEqual({ secret, uri, manualKey, altText, ...params }, { secret: c.secret, uri: c.uri, manualKey: c.manualKey, altText: c.altText, algorithm: c.algorithm, digits: c.digits, period: c.period });
    }
  }
});

test('clock estimates: tests/data/clock-cases.json', async () => {
  const { estimates } = cases('clock-cases.json');
  assert.ok(estimates.length >= 20);
  for (const c of estimates) {
    const samples = c.samples.map(([sentMs, receivedMs, serverMs, resolutionMs]) => ({ sentMs, receivedMs, serverMs, resolutionMs }));
    expect(c, await answer(() => tk.estimateClockOffset(samples, c.thresholds)), c.expect);
  }
});

test("checkClock's options: tests/data/clock-cases.json, measured against a local server", async (t) => {
  // Requests counted per case (a late request of an earlier case, aborted on our side, still
  // arrives here).
  const seen = new Map();
  const server = createServer((req, res) => {
    const id = new URL(req.url, 'http://x').searchParams.get('case');
    seen.set(id, (seen.get(id) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ now: Date.now() + 60_000 }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  for (const [i, c] of cases('clock-cases.json').checkOptions.entries()) {
    const url = `http://127.0.0.1:${server.address().port}/api/time?case=${i}`;
    const requests = () => seen.get(String(i)) ?? 0;
    const got = await answer(() => tk.checkClock(url, c.options));
    if (c.error) {
      assert.deepEqual(got, { error: c.error }, JSON.stringify(c));
      assert.equal(requests(), 0, 'bad options fail before any request');
    } else if (c.ok.timeoutMs < 1_000) {
      // Valid, but too short to hear back: the check runs and fails as a check, not on options.
      assert.ok(got.ok || got.error === 'ClockCheckFailed', JSON.stringify(got));
    } else {
      assert.equal(got.ok?.samples, c.ok.samples, JSON.stringify(c));
      assert.equal(requests(), c.ok.samples);
      // The server is a minute ahead: the estimate says so, within the round trip.
      assert.ok(Math.abs(got.ok.offsetMs - 60_000) < 1_000, JSON.stringify(got));
    }
  }
});
