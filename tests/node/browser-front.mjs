// What the tests of the browser front's smaller modules share (qr-module.test.mjs,
// codes-module.test.mjs): the package's browser front loads its .wasm with fetch, and Node's fetch
// has no file: URLs, so a stub serves pkg/ and records the names of the files fetched; and a
// call's outcome, its value or the TotpkitError's code and message, for comparing two modules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');

/** The names of the files the front fetched, in order. */
export const fetched = [];
globalThis.fetch = async (url) => {
  const path = fileURLToPath(url);
  fetched.push(basename(path));
  return new Response(readFileSync(path), { headers: { 'content-type': 'application/wasm' } });
};

/** What a call returns, or the code and message it throws (a TotpkitError, nothing else). */
export const outcome = (fn) => {
  try {
    return { value: fn() };
  } catch (e) {
    assert.equal(e.name, 'TotpkitError');
    return { code: e.code, message: e.message };
  }
};
