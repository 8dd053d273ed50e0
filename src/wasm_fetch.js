// The one place totpkit touches the network, imported by src/wasm.rs for checkClock: `count`
// sequential, timed, same-origin requests. It reports raw timings and the server's answers; all
// parsing and math happen in Rust. Each round trip is measured with performance.now()
// (monotonic), so a wall-clock jump during a request cannot corrupt it; receivedMs is sentMs
// plus that interval. A failed or timed-out request is reported as null and skipped.
export async function fetchClockSamples(url, count, timeoutMs) {
  // In a page, a URL that does not parse or leaves the page's origin is reported, not thrown:
  // src/wasm.rs turns it into a TotpkitError (InvalidOptions), as for every bad argument.
  // Without a page (Node, workers without location) fetch decides, and failures are skipped.
  const page = globalThis.location;
  if (page) {
    let target;
    try {
      target = new URL(url, page.href);
    } catch {
      return { badUrl: true };
    }
    if (target.origin !== page.origin) return { badUrl: true };
  }
  const samples = [];
  for (let i = 0; i < count; i++) samples.push(await fetchSample(url, timeoutMs));
  return samples;
}

async function fetchSample(url, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const sentMs = Date.now();
    const start = performance.now();
    const res = await fetch(url, {
      cache: 'no-store',
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      signal: controller.signal,
    });
    const receivedMs = sentMs + (performance.now() - start);
    // An error answer (404, 500) means the URL is wrong: better to fail than to trust it.
    if (!res.ok) return null;
    let now = null;
    if ((res.headers.get('content-type') || '').includes('json')) {
      try {
        const body = await res.json();
        now = body && typeof body.now === 'number' ? body.now : null;
      } catch {
        now = null;
      }
    }
    return { sentMs, receivedMs, now, date: res.headers.get('date') };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
