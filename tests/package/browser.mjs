// The browser runner of tests/package/cases.mjs (driven by tests/e2e/package-api.spec.mjs):
// loads the package as a page does, with `await init()`, fetches the test data from the same
// origin, runs the one case named by `?case=`, and writes "pass" or the failure into #result
// (data-status="pass" or "fail").
import init, * as tk from '/pkg/totpkit.js';
import { runCase, DATA_FILES } from './cases.mjs';

const out = document.getElementById('result');

async function fetchData() {
  const entries = await Promise.all(
    DATA_FILES.map(async (f) => {
      const res = await fetch(`/data/${f}`);
      if (!res.ok) throw new Error(`GET /data/${f}: ${res.status}`);
      return [f, await res.text()];
    }),
  );
  return Object.fromEntries(entries);
}

try {
  const name = new URLSearchParams(location.search).get('case');
  if (name === null) throw new Error('no ?case= in the page URL');
  await init();
  await runCase(name, tk, await fetchData());
  out.textContent = 'pass';
  out.dataset.status = 'pass';
} catch (e) {
  out.textContent = e instanceof Error ? `${e.name}: ${e.message}` : `thrown: ${String(e)}`;
  out.dataset.status = 'fail';
}
