// A Node CommonJS TypeScript consumer (a .cts: tsc emits `require('totpkit')`), compiled by tsc
// (tsconfig.node.json) and run: the code, and `instanceof TotpkitError` narrowing a caught error
// to its typed `code`.
import { totpCode, TotpkitError, type TotpkitErrorCode } from 'totpkit';

const code: string = totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000, { digits: 8 });
let caught: TotpkitErrorCode | 'not a TotpkitError' | undefined;
try {
  totpCode('not base32!', 0);
} catch (err) {
  caught = err instanceof TotpkitError ? err.code : 'not a TotpkitError';
}
console.log(JSON.stringify({ code, caught }));
