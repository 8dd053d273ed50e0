// What the JS rules (code.js, clock.js, uri.js) share for reading arguments and failing; not
// imported by the wasm front, so a page with the rules alone bundles it with them rather than as
// a chunk shared with the front.
import { TotpkitError } from './error.js';

/** A module's `fail(code)`: throws the TotpkitError `code` with its message from `messages` (the
 * JS rules repeat the core's wording, which tests/core/spec_cases.rs compares). */
export const failer = (messages) => (code) => {
  throw new TotpkitError(code, messages[code]);
};

/** A module's `num(value, fallback, code)` over its `fail`: absent (undefined, null) is
 * `fallback`; not a number, or NaN, fails with `code`. */
export const numbers = (fail) => (value, fallback, code) => {
  if (value == null) return fallback;
  if (typeof value !== 'number' || value !== value) fail(code);
  return value;
};
