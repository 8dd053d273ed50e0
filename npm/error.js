// TotpkitError: the one error class of every totpkit module (the browser front, the elements'
// own JS, the server kit and its stores), in a module of its own so that none of them loads
// another's code for it. It carries a Symbol.for brand, so `instanceof` holds across copies of
// the package (a bundle with two versions, or a CommonJS dependency beside an ESM app); `cause`
// keeps what a store threw.
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
