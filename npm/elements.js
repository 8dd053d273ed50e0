// totpkit/elements: the enrollment UI as custom elements, built only on the package's public API,
// so every rule (URI parsing, the key's grouping, what a typed code may look like, drift
// diagnosis, the clock check) keeps its one owner: the core, or for the rules a login page runs
// without the wasm, their JS twins with the core's specification (./code.js, ./clock.js).
//
//   <totp-enrollment uri="otpauth://…" [preview]>  QR, "Trouble scanning?" key, settings, code
//   <totp-code-field [name] [digits] [uri]>        the one-time-code input alone (form-associated)
//   <totp-clock-check endpoint="/api/time">       a banner when this computer's clock is off
//
// Both code elements dispatch `totp-code` (detail.code: plain ASCII digits) and take the
// server's answer back through rejectCode(info?) and acceptCode(). Every sentence comes from
// the element's language (its `lang`, else the nearest ancestor's, else the document's, by
// prefix when the tag is unknown: `locales/<tag>.js` modules register theirs on import, English
// is built in), overridden per element by its `strings` property; numbers, plurals, durations
// and lists are Intl's. The layout uses logical properties and follows the language's
// direction; codes and keys stay left-to-right.
// The DOM lives in open shadow roots, styled by one constructable stylesheet (a strict
// `style-src 'self'` allows it; nothing here writes a style attribute), themed with --totp-*
// custom properties and ::part(). Importing this module in Node (server rendering) defines
// nothing and throws nothing.
//
// This module is all three elements; each is also an entry point of its own
// (`totpkit/elements/code-field`, `…/clock-check`, `…/enrollment`), and none loads the wasm
// until it needs it (elements/base.js): a login page with a code field and a clock banner loads
// no wasm at all, and no `init()` is needed for the elements.
import { englishFor, strings } from './elements/base.js';
import { english } from './elements/advice.js';

export { locale, strings, duration } from './elements/base.js';
// Every English sentence in `strings`, as its type promises: the element entries add the advice's
// only when something goes wrong (elements/base.js `helper`); this entry has them from the start.
Object.assign(strings, englishFor(english));
export { TotpCodeField } from './elements/code-field.js';
export { TotpEnrollment } from './elements/enrollment.js';
export { TotpClockCheck } from './elements/clock-check.js';
