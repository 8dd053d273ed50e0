// TotpkitError for the server kit and its stores: the same class as the browser front's
// (npm/totpkit.js), defined again so that `totpkit/server` never loads the browser's wasm. Both
// carry the same Symbol.for brand, so `instanceof` holds across them and across copies of the
// package; `cause` keeps what a store threw.
const BRAND = Symbol.for('totpkit.TotpkitError');

/** The error every totpkit function throws (or rejects with). */
export class TotpkitError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'TotpkitError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
  static [Symbol.hasInstance](value) {
    return value != null && value[BRAND] === true;
  }
}
