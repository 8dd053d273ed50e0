// What a server-side developer writes in CommonJS: `require('totpkit')`, no init call.
// Prints what it saw as JSON for tests/node/runtimes.test.mjs to check.
const { totpCode, buildOtpauthUri, qrMatrix, generateSecret, TotpkitError } = require('totpkit');

const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const code = totpCode(secret, 59_000, { digits: 8 });
const uri = buildOtpauthUri({ secret, account: 'alice@example.com', issuer: 'ACME Co', digits: 8 });
const { size, modules } = qrMatrix(uri);
// New secrets, from the runtime's CSPRNG: on Node, /dev/urandom without loading node:crypto
// where the device can be read (npm/node-random.js), which `cryptoLoaded` shows.
const secrets = [generateSecret(), generateSecret()];
const cryptoLoaded = globalThis.process?.moduleLoadList?.includes('NativeModule crypto') ?? null;

let error;
try {
  totpCode('not base32!', 0);
} catch (err) {
  error = { instanceOf: err instanceof TotpkitError, isError: err instanceof Error, name: err.name, code: err.code };
}

console.log(JSON.stringify({
  resolved: require.resolve('totpkit'),
  code,
  uri,
  qr: { size, modules: Array.from(modules).join('') },
  error,
  secrets,
  cryptoLoaded,
}));
