// The functions of totpkit's browser API that only the whole module runs (URI parsing, HOTP codes,
// code preview, diagnosis), in a module of their own so that `init()` knows whether a page needs it:
// evaluating this module calls needWhole(), and a bundler leaves it out of a page that imports none
// of these (package.json `sideEffects` does not list it), whose `init()` then loads the codes
// module (npm/front.js, "Loading"). Each is a function of its own, not a re-export, so that a
// bundler cannot skip this module on the way to front.js's.
import { needWhole, parseOtpauthUri as parse, hotpCode as hotp, codePreview as preview, diagnoseCode as diagnose } from './front.js';

needWhole();

// For the elements (elements/base.js), which load the front through this module.
export { default } from './front.js';

export function parseOtpauthUri(uri) {
  return parse(uri);
}
export function hotpCode(secret, counter, opts) {
  return hotp(secret, counter, opts);
}
export function codePreview(secret, unixMs, opts) {
  return preview(secret, unixMs, opts);
}
export function diagnoseCode(secret, typed, unixMs, opts) {
  return diagnose(secret, typed, unixMs, opts);
}
