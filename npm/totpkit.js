// totpkit's public API (the browser entry, `import … from 'totpkit'`): the typed front over the
// wasm core (./front.js: `init()`, codes, URI parsing, QR, diagnosis), and the rules a page may
// need without the wasm, in JS with the core's specification (see each module): what a typed
// code may look like (./code.js), the clock check (./clock.js), and building an otpauth URI
// (./uri.js: a string join, which copying in and out of the wasm made 5x slower than otpauth's).
// They are modules of their own so that a page that needs only them (a login page's elements)
// bundles none of the front.
// Named, not `export *`: the helpers front.js has for ./init-sync.js and ./qr-load.js are not API.
export { initSync } from './init-sync.js';
export {
  default, TotpkitError, generateSecret, formatSecret, totpCode, verifyTotp, renderQrSvg, qrMatrix, enrollment,
} from './front.js';
// The functions only the whole module runs: importing one makes `init()` load it (./whole.js).
export { parseOtpauthUri, hotpCode, codePreview, diagnoseCode } from './whole.js';
export { normalizeCode } from './code.js';
export { checkClock, estimateClockOffset, parseHttpDate } from './clock.js';
export { buildOtpauthUri } from './uri.js';
