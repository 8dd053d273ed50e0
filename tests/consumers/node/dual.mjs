// An ESM app whose CommonJS dependency also uses totpkit (`require`), as happens with older
// auth middleware: does an error thrown through the dependency match the app's TotpkitError?
// Prints what it saw as JSON for tests/node/runtimes.test.mjs to check.
import { createRequire } from 'node:module';
import { TotpkitError } from 'totpkit';

const fromCjs = createRequire(import.meta.url)('totpkit');
let instanceOf;
try {
  fromCjs.totpCode('not base32!', 0);
} catch (err) {
  instanceOf = err instanceof TotpkitError;
}
console.log(JSON.stringify({ sameClass: fromCjs.TotpkitError === TotpkitError, instanceOf }));
