// totpkit's public API (the browser entry, `import … from 'totpkit'`): the typed front over the
// wasm core (./front.js: `init()`, codes, URIs, QR, diagnosis), and the rules a page may need
// without the wasm, in JS with the core's specification (see each module): what a typed code may
// look like (./code.js) and the clock check (./clock.js). Those three are separate modules so
// that a page that needs only the JS rules (a login page's elements) bundles none of the front.
export * from './front.js';
export { default } from './front.js';
export { normalizeCode } from './code.js';
export { checkClock, estimateClockOffset, parseHttpDate } from './clock.js';
