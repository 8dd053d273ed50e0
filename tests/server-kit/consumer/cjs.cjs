// The same site in CommonJS: `require('totpkit/server')` gets the CommonJS build with the wasm
// inline. Prints one JSON line.
const { createTotpServer, memoryStore, TotpkitError } = require('totpkit/server');

(async () => {
  const totp = createTotpServer({ issuer: 'ACME Co', store: memoryStore(), encryptionKey: new Uint8Array(32).fill(1) });
  const begun = await totp.beginEnrollment('alice', { account: 'alice@example.com' });
  // The enrollment's random bytes (its secret, the envelope's nonce) came from /dev/urandom:
  // neither node:crypto nor Web Crypto was loaded, whose first use costs 3.5-5 ms of a cold start.
  const cryptoLoaded = process.moduleLoadList.some((m) => /^NativeModule (crypto|internal\/crypto\/webcrypto)$/.test(m));
  let error;
  try {
    await totp.status(42);
  } catch (e) {
    error = { instanceOf: e instanceof TotpkitError, name: e.name, code: e.code };
  }
  const { sqliteStore } = require('totpkit/server/sqlite');
  console.log(
    JSON.stringify({
      resolved: require.resolve('totpkit/server'),
      secret: begun.secret.length,
      error,
      sqlite: typeof sqliteStore,
      cryptoLoaded,
    }),
  );
})();
