// A site's server code on totpkit/server, run from the packed package in Node, Bun and Deno:
// enroll, log in, refuse the replay, on the memory store and the embedded SQLite store (the
// runtime's own driver where it has one). Prints one JSON line of what it saw.
import { createTotpServer, memoryStore, TotpkitError, ERROR_CODES } from 'totpkit/server';
import { sqliteStore } from 'totpkit/server/sqlite';
import { postgresStore } from 'totpkit/server/postgres';
import * as OTPAuth from 'otpauth';

const runtime = globalThis.Deno ? 'deno' : globalThis.Bun ? 'bun' : 'node';
const seen = {
  runtime,
  resolved: import.meta.resolve('totpkit/server'),
  postgresStore: typeof postgresStore,
  errorCodes: ERROR_CODES.length,
};
let now = 1_700_000_025_000;
const encryptionKey = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='; // 32 bytes, base64

for (const [name, store] of [
  ['memory', memoryStore()],
  ['sqlite', sqliteStore({ path: ':memory:' })],
]) {
  const totp = createTotpServer({ issuer: 'ACME Co', store, encryptionKey, now: () => now });
  const begun = await totp.beginEnrollment('alice', { account: 'alice@example.com' });
  const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(begun.secret) });
  const confirmed = await totp.confirmEnrollment('alice', app.generate({ timestamp: now }), { source: '203.0.113.7' });
  now += 30_000;
  const code = app.generate({ timestamp: now });
  seen[name] = {
    uri: begun.uri.startsWith('otpauth://totp/ACME%20Co:alice%40example.com?secret='),
    recoveryCodes: confirmed.recoveryCodes.length,
    verified: (await totp.verify('alice', code)).ok,
    replayed: (await totp.verify('alice', code)).reason,
    status: await totp.status('alice'),
  };
  try {
    await totp.verify('', code);
  } catch (e) {
    seen.error = { instanceOf: e instanceof TotpkitError, name: e.name, code: e.code };
  }
  if (name === 'sqlite') await store.close();
}
console.log(JSON.stringify(seen));
