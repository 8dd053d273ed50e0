// The clock check in JS: measuring the browser's clock against the server (checkClock), the
// estimate from timed samples (estimateClockOffset) and the HTTP Date header (parseHttpDate).
//
// Why JS and not the core: this is what a login page's <totp-clock-check> runs, and a login page
// must not load the wasm (its HMAC and QR encoder) for a subtraction and a date. The rules keep
// one specification each, shared with the Rust core (src/clock.rs, src/http_date.rs, which Rust
// users keep): the case files tests/data/clock-cases.json and tests/data/http-date-cases.json,
// which both implementations pass, and a property cross-check of the two on generated input
// (tests/core/spec_cases.rs runs this module under Node). Errors carry the core's codes and
// messages (the cross-check compares them too).
import { TotpkitError } from './error.js';
import { failer, numbers } from './args.js';

const MESSAGES = {
  InvalidOptions: 'an option has the wrong type or is out of range',
  InvalidSample: 'clock samples must be finite, with a non-negative round trip',
  InvalidDate: 'not an HTTP date',
  ClockCheckFailed: 'could not measure the clock against the server',
};
const fail = failer(MESSAGES);
const num = numbers(fail);

// src/clock.rs: the defaults and limits.
const THRESHOLDS = { okMs: 2_000, minorMs: 15_000, warnMs: 30_000, maxErrorMs: 5_000 };
const SAMPLES = [5, 20]; // default, most
const TIMEOUT_MS = [5_000, 60_000];
const MAX_SAMPLES = 10_000;
// The longest header worth reading (the front's cap for any string argument).
const MAX_TEXT = 65_536;

/** Reads the named options ({} when absent); a non-object, a getter that throws or a revoked
 * Proxy is InvalidOptions. */
function pick(opts, keys) {
  if (opts == null) return [];
  try {
    if (typeof opts === 'object' && !Array.isArray(opts)) return keys.map((k) => opts[k]);
  } catch {
    // fall through
  }
  return fail('InvalidOptions');
}

/** The thresholds from the options ([ok, minor, warn, maxError] ms), checked as the core checks
 * them: finite, non-negative, ok ≤ minor ≤ warn. */
function thresholds(opts) {
  const names = Object.keys(THRESHOLDS);
  const given = pick(opts, names);
  const t = names.map((name, i) => num(given[i], THRESHOLDS[name], 'InvalidOptions'));
  if (!t.every((v) => Number.isFinite(v) && v >= 0) || !(t[0] <= t[1] && t[1] <= t[2])) fail('InvalidOptions');
  return t;
}

/** The estimate (Cristian's algorithm on the sample with the smallest round trip) from a flat
 * list, four numbers a sample: sent, received, server, resolution. */
function estimate(list, [okMs, minorMs, warnMs, maxErrorMs]) {
  let best = -1;
  for (let i = 0; i < list.length; i += 4) {
    const [sent, received, server, resolution] = list.slice(i, i + 4);
    const rtt = received - sent;
    if (![sent, received, server, resolution, rtt].every(Number.isFinite) || rtt < 0 || resolution < 0) fail('InvalidSample');
    if (best < 0 || rtt < list[best + 1] - list[best]) best = i;
  }
  if (best < 0) fail('InvalidSample');
  const [sent, received, server, resolution] = list.slice(best, best + 4);
  const rtt = received - sent;
  const half = resolution / 2;
  // The core's exact arithmetic: (server + res/2) − (sent/2 + received/2); error rtt/2 + res/2.
  const offsetMs = server + half - (sent / 2 + received / 2);
  const errorMs = rtt / 2 + half;
  if (!Number.isFinite(offsetMs) || !Number.isFinite(errorMs)) fail('InvalidSample');
  const least = Math.abs(offsetMs) - errorMs;
  const status = errorMs > maxErrorMs ? 'unknown' : least <= okMs ? 'ok' : least <= minorMs ? 'minor' : least <= warnMs ? 'warn' : 'critical';
  return { offsetMs, errorMs, rttMs: rtt, sampleIndex: best / 4, status };
}

/** How far off this clock is, from timed samples: `{ sentMs, receivedMs, serverMs,
 * resolutionMs? }` each (resolution 1 ms unless given: 1000 for a Date header). */
export function estimateClockOffset(samples, opts) {
  const list = [];
  try {
    if (!Array.isArray(samples) || samples.length > MAX_SAMPLES) fail('InvalidSample');
    for (const s of samples) {
      if (s === null || typeof s !== 'object') fail('InvalidSample');
      const { sentMs, receivedMs, serverMs, resolutionMs = 1 } = s;
      // Numbers, as the core's samples are; a NaN or an infinity is the core's to refuse (after
      // the thresholds, as it checks them).
      const values = [sentMs, receivedMs, serverMs, resolutionMs];
      if (!values.every((v) => typeof v === 'number')) fail('InvalidSample');
      list.push(...values);
    }
  } catch (e) {
    // A revoked Proxy or a throwing getter, as well as our own refusals.
    if (e instanceof TotpkitError) throw e;
    fail('InvalidSample');
  }
  return estimate(list, thresholds(opts));
}

// RFC 9110 §5.6.7: IMF-fixdate, the obsolete RFC 850 form and asctime, nothing looser (the
// platform's Date.parse takes far more, and differently per engine).
const DAYS = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
const LONG_DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const FORMS = [
  [new RegExp(`^(?:${DAYS}), (\\d\\d) (\\w+) (\\d{4}) (\\S+) GMT$`), (d, m, y) => [d, m, +y]],
  [new RegExp(`^(?:${LONG_DAYS}), (\\d\\d)-(\\w+)-(\\d\\d) (\\S+) GMT$`), (d, m, y) => [d, m, +y < 70 ? 2000 + +y : 1900 + +y]],
  [new RegExp(`^(?:${DAYS}) (\\w+) (\\d{1,2}) (\\S+) (\\d{4})$`), (m, d, time, y) => [d, m, +y, time]],
];
// What the core trims (Unicode White_Space) and splits on (ASCII whitespace but vertical tab).
// The trim is made on first use: building its White_Space class took ~0.5 ms of every page load
// and Node cold start, and only a clock check without a JSON time needs it.
let trim;
const SPACES = /[ \t\n\f\r]+/;

/** A Date header's time in unix ms (whole seconds). */
export function parseHttpDate(value) {
  if (typeof value !== 'string' || value.length > MAX_TEXT) fail('InvalidDate');
  // The core reads whitespace-separated words: any run of ASCII whitespace is one space.
  const text = value.replace((trim ??= /^\p{White_Space}+|\p{White_Space}+$/gu), '').split(SPACES).join(' ');
  for (const [re, fields] of FORMS) {
    const m = re.exec(text);
    if (!m) continue;
    const parts = m.slice(1);
    const [d, mon, year, time = parts[3]] = fields(...parts);
    const month = MONTHS.indexOf(mon);
    const hms = /^(\d\d):(\d\d):(\d\d)$/.exec(time);
    if (month < 0 || !hms) break;
    const [h, min, s] = hms.slice(1).map(Number);
    const day = +d;
    // Date.UTC's month rolls over; the last day of this month is day 0 of the next.
    const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    if (h > 23 || min > 59 || s > 60 || day === 0 || day > last || year < 1970) break;
    // A leap second (:60) is the next second, as the core counts it.
    return Date.UTC(year, month, day, h, min, 0) + s * 1000;
  }
  return fail('InvalidDate');
}

/**
 * Measures this clock against `url` (same origin; answers `{ now: <unix ms> }` or just a Date
 * header): `samples` timed requests, each waiting at most `timeoutMs`, then the estimate.
 */
export function checkClock(url, opts) {
  let plan;
  try {
    const [n, t] = pick(opts, ['samples', 'timeoutMs']);
    const limits = thresholds(opts);
    if (typeof url !== 'string' || url.length > MAX_TEXT) fail('InvalidOptions');
    const count = num(n, SAMPLES[0], 'InvalidOptions');
    const timeoutMs = num(t, TIMEOUT_MS[0], 'InvalidOptions');
    if (!Number.isInteger(count) || count < 1 || count > SAMPLES[1] || !(timeoutMs >= 1 && timeoutMs <= TIMEOUT_MS[1])) fail('InvalidOptions');
    plan = { url, count, timeoutMs, limits };
  } catch (e) {
    return Promise.reject(e);
  }
  return measure(plan);
}

// The one place totpkit touches the network: `count` sequential, timed, same-origin requests.
// Each round trip is timed with performance.now() (monotonic), so a wall-clock jump during a
// request cannot corrupt it; receivedMs is sentMs plus that interval. The server's time is the
// JSON body's `now` (1 ms resolution) or else the Date header (1 s).
async function measure({ url, count, timeoutMs, limits }) {
  // In a page, a URL that does not parse or leaves the page's origin is refused. Without a page
  // (Node, workers without location) fetch decides, and failures are skipped.
  const page = globalThis.location;
  if (page) {
    let parsed;
    try {
      parsed = new URL(url, page.href);
    } catch {
      fail('InvalidOptions');
    }
    if (parsed.origin !== page.origin) fail('InvalidOptions');
  }
  const list = [];
  for (let i = 0; i < count; i++) list.push(...((await sample(url, timeoutMs)) ?? []));
  if (!list.length) fail('ClockCheckFailed');
  return { ...estimate(list, limits), samples: list.length / 4 };
}

async function sample(url, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const sentMs = Date.now();
    const start = performance.now();
    const res = await fetch(url, { cache: 'no-store', credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: controller.signal });
    const receivedMs = sentMs + (performance.now() - start);
    // An error answer (404, 500) means the URL is wrong: better to fail than to trust it.
    if (!res.ok) return null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try {
        const body = await res.json();
        if (body && typeof body.now === 'number' && Number.isFinite(body.now)) return [sentMs, receivedMs, body.now, 1];
      } catch {
        // Not JSON after all: fall back to the Date header.
      }
    }
    return [sentMs, receivedMs, parseHttpDate(res.headers.get('date')), 1000];
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
