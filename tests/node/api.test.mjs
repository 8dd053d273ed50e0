// The public JS API of the built package in Node: every case of tests/package/cases.mjs (the
// port of the old wasm-bindgen-test suite) as one node:test test, on the package loaded by
// tests/package/load.mjs. The same cases run in headless Chromium: tests/e2e/package-api.spec.mjs.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tk } from '../package/load.mjs';
import { cases, runCase, DATA_FILES } from '../package/cases.mjs';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const data = Object.fromEntries(DATA_FILES.map((f) => [f, readFileSync(join(dataDir, f), 'utf8')]));

for (const { name } of cases) {
  test(name, () => runCase(name, tk, data));
}
