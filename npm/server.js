// totpkit/server: the server half of TOTP two-factor authentication, over the core's policy.
//
// This module is a shell and decides no rule. Every decision (window, single use, drift memory
// and resync, delays, the lock, recovery codes, pending enrollments) is a pure function of the
// core (src/policy.rs), reached through the server's own wasm module (server/: `keyring(keys)`
// once per server, then `call(request JSON, stored envelope, ring, nonce) -> answer bytes`).
// What happens here is what the core must not do: read the clock and the CSPRNG, load the
// user's stored record, hand it to the wasm (which opens it, runs the policy and seals the new
// record) and store what comes back with a compare-and-set on the version it read. A lost
// compare-and-set means another request (in this process or another one sharing the store)
// wrote first: read again and decide again, so the single-use rule and the counters hold across
// a fleet.
//
// Records are stored encrypted (XChaCha20-Poly1305; records of the first format, AES-256-GCM,
// are still read), bound to their user, so a copied table yields no usable TOTP secret; this side
// never holds a decrypted record (server/src/envelope.rs has the format and why). Loading: the
// Node, Deno and Bun entry and the Workers entry instantiate the wasm before this module's first
// line (scripts/finish-package.mjs).
import { call, keyring } from './server-glue.js';
import { TotpkitError } from './error.js';
import { fillRandom } from './server-random.js';

export { TotpkitError };

/** Every `code` a server-kit TotpkitError can carry (documented in server.d.ts). */
export const ERROR_CODES = Object.freeze([
  'InvalidOptions',
  'InvalidUser',
  'InvalidArgument',
  'UnknownUser',
  'InvalidRecord',
  'WrongEncryptionKey',
  'NotEnrolled',
  'StoreConflict',
  'StoreUnavailable',
]);

// Compare-and-set rounds before giving up. One round is lost per concurrent writer that got in
// first; a replay or a throttled try writes nothing, so even a burst of one code from many
// processes settles in two rounds.
const MAX_TRIES = 20;
// Longest user id, account and issuer: far above any real primary key, email address (254) or
// UUID. The id goes into every record's authenticated data, account and issuer into the record
// and the otpauth URI, whose QR code must stay small enough to scan.
const MAX_NAME = 256;
// Longest source: the browser front's cap for any string argument (npm/front.js MAX_TEXT); far
// above an IP address or a device id, and the core keeps only a hash of it.
const MAX_TEXT = 65_536;
// Random bytes sent with every call: the core takes a new secret or a recovery-code set from
// them, and never draws randomness itself (src/policy.rs RANDOM_BYTES).
const RANDOM_BYTES = 128;
// The operations that make secrets or recovery codes, and so take random bytes.
const RANDOM_OPS = new Set(['begin', 'confirm', 'regenerate']);
// The operations that usually write, and so may start from the remembered row (see `recent`).
const WRITING_OPS = new Set(['confirm', 'verify', 'recovery']);
// Rows remembered per process (about a kilobyte each).
const CACHE_ROWS = 10_000;
// Random bytes of an envelope's nonce (XChaCha20's).
const NONCE_BYTES = 24;
// Keys for rotation: more than a handful means old records are never rewritten; a bound keeps a
// misconfigured array from costing a key import per element.
const MAX_PREVIOUS_KEYS = 16;
const OPTIONS = ['issuer', 'store', 'encryptionKey', 'previousKeys', 'now'];

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
// A lone surrogate cannot be encoded as UTF-8: two user ids differing only there would share
// their records' authenticated data, and the core's JSON parser refuses them anyway.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A TOTP server over `store`. Options: `issuer` (shown in the authenticator app), `store` (an
 * adapter, see server.d.ts), `encryptionKey` (32 bytes or their base64: the key records are
 * written with), `previousKeys` (read-only keys for rotation) and `now` (unix ms, for tests).
 */
export function createTotpServer(options) {
  const { issuer, store, encryptionKey, previousKeys = [], now = Date.now } = readOptions(options);
  if (!isName(issuer)) {
    fail('InvalidOptions', `\`issuer\` must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  if (store == null || !['get', 'put'].every((m) => typeof store[m] === 'function')) {
    fail(
      'InvalidOptions',
      '`store` must have get and put methods (memoryStore(), postgresStore(), sqliteStore() or your own)',
    );
  }
  if (typeof now !== 'function') fail('InvalidOptions', '`now` must be a function returning unix milliseconds');
  if (!Array.isArray(previousKeys) || previousKeys.length > MAX_PREVIOUS_KEYS) {
    fail('InvalidOptions', `\`previousKeys\` must be an array of at most ${MAX_PREVIOUS_KEYS} keys`);
  }
  // The core owns what an otpauth label may hold: ask it now, with a throwaway enrollment, so a
  // bad issuer fails here rather than at the first user's enrollment. Its random bytes and nonce
  // are zeros and its key is a throwaway one: nothing of it is kept, and Workers refuse to
  // generate random values in a module's global scope, where a server is usually created.
  const check = { issuer, account: 'check' };
  checkRing ||= keyring(new Uint8Array(32));
  invoke('begin', 'check', undefined, false, 0, '00'.repeat(RANDOM_BYTES), check, checkRing, new Uint8Array(NONCE_BYTES), {
    InvalidLabel: ['InvalidOptions', '`issuer` cannot be used in an otpauth:// label'],
  });
  // The keys go into the wasm, which keeps them (and a key derived from each) for the process's
  // life, once per list of keys (a server made per request takes the same ring each time); the
  // bytes here are wiped.
  const raws = [keyBytes(encryptionKey, 'encryptionKey'), ...previousKeys.map((k, i) => keyBytes(k, `previousKeys[${i}]`))];
  const all = new Uint8Array(raws.length * 32);
  raws.forEach((raw, i) => all.set(raw, i * 32));
  const ring = keyring(all);
  for (const bytes of [all, ...raws]) bytes.fill(0);
  if (ring === 0) fail('InvalidOptions', 'this process holds too many different encryption keys (4 096 lists)');

  // A time a JS Date can hold (to ±8.64e15 ms), from 1970 on: what timeHandler can put in a
  // Date header, and below 2^53, the core's limit.
  function clock() {
    const ms = now();
    if (typeof ms !== 'number' || !(ms >= 0 && ms <= 8.64e15)) fail('InvalidOptions', '`now()` must return unix milliseconds');
    return Math.floor(ms);
  }

  // The last envelope and version this process read or wrote, per user (bounded, least
  // recently used first out). Only ever a guess: an operation that writes may start from it and
  // skip the read, since the compare-and-set refuses the write if the row moved on (then it
  // reads and decides again); an answer that writes nothing is never given from it. So a
  // successful verification costs one store round trip instead of two, and a fleet stays as
  // correct as without it. Beside each envelope it keeps its bytes, as the wasm takes them.
  const recent = new Map();
  const remember = (userId, row) => {
    recent.delete(userId);
    if (row) recent.set(userId, row);
    if (recent.size > CACHE_ROWS) recent.delete(recent.keys().next().value);
  };

  /**
   * One operation: read, decide in the core, write with compare-and-set; on a lost race, read
   * and decide again. `known`: the operation needs an existing record (else UnknownUser).
   */
  async function run(op, userId, fields, known) {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const kept = recent.get(userId);
      const guess = attempt === 0 && WRITING_OPS.has(op) ? kept : undefined;
      const row = guess ?? checkRow(await storeCall(() => store.get(userId)));
      if (!row && known) fail('UnknownUser', 'no authenticator is stored for this user');
      // The envelope this process last saw for the user, byte for byte: the wasm may start from
      // the record it kept for it instead of opening it again (server/src/lib.rs `opened`).
      const same = row !== null && kept?.data === row.data;
      const stored = !row ? undefined : same ? kept.bytes : encoder.encode(row.data);
      const random = RANDOM_OPS.has(op) ? randomHex() : undefined;
      const reply = invoke(op, userId, stored, same, clock(), random, fields, ring, nextNonce(), CORE_ERRORS);
      if (reply.record.length === 0) {
        if (guess) continue; // decided on a guess: decide again on the stored row
        remember(userId, row && { version: row.version, data: row.data, bytes: stored });
        return result(reply);
      }
      // Disabling leaves an empty record, stored like any other (not deleted): versions keep
      // counting up, so a request that read the old authenticator can never write it back
      // over a new one. The envelope is ASCII (base64url and hex).
      const data = decoder.decode(reply.record);
      const version = row ? row.version : 0;
      const writing = storeCall(() => store.put(userId, data, version));
      // What can wait for the store is done while it works: the answer's JSON is parsed once
      // the write is on its way (an immediate runs after the store's query is dispatched, which
      // pg does on the next tick); if the store answers first, it is parsed then.
      const later = NodeImmediate?.(() => {
        // Nothing here may throw out of an immediate (it would end the process): a failure
        // shows again, in the caller's promise, when the answer is read after the write.
        try {
          result(reply);
        } catch {}
      });
      const won = await writing;
      if (later) clearImmediate(later);
      if (typeof won !== 'boolean') fail('StoreUnavailable', 'the store’s put must resolve to true or false');
      remember(userId, won ? { version: version + 1, data, bytes: reply.record } : null);
      if (won) return result(reply);
    }
    fail('StoreConflict', `the record changed under ${MAX_TRIES} tries in a row`);
  }

  return Object.freeze({
    async beginEnrollment(userId, opts) {
      checkUser(userId);
      const { account = userId } = readArgs(opts, ['account']);
      if (!isName(account)) {
        fail('InvalidArgument', `\`account\` must be a non-empty string of at most ${MAX_NAME} characters`);
      }
      return await run('begin', userId, { issuer, account }, false);
    },
    async confirmEnrollment(userId, code, opts) {
      return await run('confirm', checkUser(userId), codeFields(code, opts), true);
    },
    async verify(userId, code, opts) {
      // `return await`, not `return`: an async function that returns a promise takes two more
      // microtask turns to adopt it.
      return await run('verify', checkUser(userId), codeFields(code, opts), true);
    },
    async useRecoveryCode(userId, code, opts) {
      return await run('recovery', checkUser(userId), codeFields(code, opts), true);
    },
    async regenerateRecoveryCodes(userId) {
      const result = await run('regenerate', checkUser(userId), {}, true);
      if (!result.ok) fail('NotEnrolled', 'there is no active authenticator to make recovery codes for');
      return result.recoveryCodes;
    },
    async status(userId) {
      return await run('status', checkUser(userId), {}, false);
    },
    async disable(userId) {
      await run('disable', checkUser(userId), {}, false);
    },
    // The browser's clock check (`checkClock` in totpkit) reads `now` from the JSON body (1 ms
    // resolution) and falls back to the Date header. no-store: a cached answer is a wrong clock.
    timeHandler() {
      const ms = clock();
      return new Response(JSON.stringify({ now: ms }), {
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', date: new Date(ms).toUTCString() },
      });
    },
  });
}

/**
 * A store in this process's memory: for tests and single-process development. Every restart
 * forgets every authenticator; a fleet needs postgresStore (or a store of your own).
 */
export function memoryStore() {
  const rows = new Map();
  return {
    async get(userId) {
      const row = rows.get(userId);
      return row ? { ...row } : null;
    },
    async put(userId, data, expectedVersion) {
      const version = rows.get(userId)?.version ?? 0;
      if (version !== expectedVersion) return false;
      rows.set(userId, { version: version + 1, data });
      return true;
    },
    async delete(userId, expectedVersion) {
      if (rows.get(userId)?.version !== expectedVersion) return false;
      rows.delete(userId);
      return true;
    },
  };
}

function fail(code, message, options) {
  throw new TotpkitError(code, message, options);
}

/** Reads the options object once, so a getter runs once and a throwing one is InvalidOptions. */
function readOptions(options) {
  if (options === null || typeof options !== 'object') fail('InvalidOptions', 'createTotpServer takes an options object');
  const out = {};
  try {
    for (const name of Object.keys(options)) {
      if (!OPTIONS.includes(name)) fail('InvalidOptions', `unknown option \`${name}\` (known: ${OPTIONS.join(', ')})`);
    }
    for (const name of OPTIONS) if (options[name] !== undefined) out[name] = options[name];
  } catch (e) {
    if (e instanceof TotpkitError) throw e;
    fail('InvalidOptions', 'the options could not be read');
  }
  return out;
}

/** The per-call options (`{ account }`, `{ source }`), read the same way. */
function readArgs(opts, names) {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object') fail('InvalidArgument', 'the last argument must be an options object');
  const out = {};
  try {
    for (const name of Object.keys(opts)) {
      if (!names.includes(name)) fail('InvalidArgument', `unknown option \`${name}\` (known: ${names.join(', ')})`);
    }
    for (const name of names) if (opts[name] !== undefined) out[name] = opts[name];
  } catch (e) {
    if (e instanceof TotpkitError) throw e;
    fail('InvalidArgument', 'the options could not be read');
  }
  return out;
}

function isName(value) {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NAME && !LONE_SURROGATE.test(value);
}

function checkUser(userId) {
  if (!isName(userId)) {
    fail('InvalidUser', `a user id must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  return userId;
}

// A code of the wrong shape is a string the core refuses as `malformed` (it owns what a code may
// look like); only a non-string is the caller's bug. A lone surrogate can never be part of a
// code, so it is replaced rather than refused here.
function codeFields(code, opts) {
  if (typeof code !== 'string') fail('InvalidArgument', 'the code must be a string');
  const { source = '' } = readArgs(opts, ['source']);
  if (typeof source !== 'string' || source.length > MAX_TEXT) {
    fail('InvalidArgument', `\`source\` must be a string (an IP address or a device id) of at most ${MAX_TEXT} characters`);
  }
  return { code: wellFormed(code), source: wellFormed(source) };
}

function wellFormed(s) {
  return LONE_SURROGATE.test(s) ? s.replace(new RegExp(LONE_SURROGATE, 'g'), '\ufffd') : s;
}

// The core's error codes that can reach a caller, in the kit's terms: an account the core cannot
// put in a label is a bad argument, a time beyond 2^53 ms a broken `now` option. InvalidRecord
// keeps its name. Anything else (a malformed request, missing random bytes) would be a bug here.
const CORE_ERRORS = {
  InvalidLabel: ['InvalidArgument', '`account` cannot be used in an otpauth:// label'],
  InvalidTime: ['InvalidOptions', '`now()` must return unix milliseconds'],
};

/**
 * One call into the core: the operation, the user, the stored envelope's bytes (undefined: no
 * row; `known`: the envelope this process last saw for the user, see `run`), now, random bytes
 * (hex), the operation's own fields (`fields`: strings), the server's key ring and a nonce in;
 * `{ head, record }` out (the answer's JSON, still bytes, parsed by `result` when needed;
 * the new envelope's bytes, empty when nothing is to be written), or a throw (`rename` maps the
 * core's error codes to the kit's, with a message in the kit's terms).
 */
function invoke(op, userId, stored, known, now, random, fields, ring, nonce, rename) {
  // The envelope goes in, and comes back, as bytes (see server/src/lib.rs): the wasm opens,
  // parses, checks and seals the record. The request's JSON is written here (op and now are
  // ours, random is hex; the caller's strings go through JSON.stringify for their escaping):
  // half the time of stringifying a spread object.
  let request = `{"op":"${op}","user":${JSON.stringify(userId)},"now":${now}`;
  if (random !== undefined) request += `,"random":"${random}"`;
  for (const key in fields) {
    if (fields[key] !== undefined) request += `,"${key}":${JSON.stringify(fields[key])}`;
  }
  const answer = call(`${request}}`, stored, known, ring, nonce);
  const cut = answer.indexOf(NEWLINE);
  // Only an error has no newline (and no record).
  if (cut < 0) {
    const { error } = JSON.parse(decoder.decode(answer));
    const [code, message] = rename[error.code] ?? [error.code, error.message];
    fail(code, message);
  }
  return { head: answer.subarray(0, cut), record: answer.subarray(cut + 1), result: undefined };
}

/** The contract's answer object of a reply from `invoke` (its head), parsed once. */
function result(reply) {
  reply.result ??= JSON.parse(decoder.decode(reply.head));
  return reply.result;
}

// The throwaway key ring createTotpServer's check runs with (made on the first server).
let checkRing = 0;
// Node, Deno and Bun run an immediate once pending I/O is dispatched; Workers have none (there,
// the answer is parsed when the store has answered).
const NodeImmediate = globalThis.setImmediate ?? null;
const NEWLINE = 0x0a;

// Nonces drawn a batch at a time: one draw from the CSPRNG costs more than a seal. Not secret:
// each goes into one envelope, in the clear, and is never used again.
const NONCE_BATCH = 256;
let noncePool = new Uint8Array(0);
let nonceAt = 0;
function nextNonce() {
  if (nonceAt === noncePool.length) {
    noncePool = new Uint8Array(NONCE_BYTES * NONCE_BATCH);
    fillRandom(noncePool);
    nonceAt = 0;
  }
  return noncePool.subarray(nonceAt, (nonceAt += NONCE_BYTES));
}

function randomHex() {
  const bytes = new Uint8Array(RANDOM_BYTES);
  fillRandom(bytes);
  let hex = '';
  for (const b of bytes) hex += HEX[b];
  bytes.fill(0);
  return hex;
}

/** Runs a store method; anything it throws becomes StoreUnavailable with the original as cause. */
async function storeCall(f) {
  try {
    return await f();
  } catch (cause) {
    fail('StoreUnavailable', `the store failed: ${cause && cause.message}`, { cause });
  }
}

function checkRow(row) {
  if (row == null) return null;
  if (typeof row !== 'object' || !Number.isSafeInteger(row.version) || row.version < 1 || typeof row.data !== 'string') {
    fail('StoreUnavailable', 'the store’s get must resolve to null or { version: a positive integer, data: a string }');
  }
  return row;
}

// ---- Keys ------------------------------------------------------------------------------------

function keyBytes(key, name) {
  let bytes;
  if (key instanceof Uint8Array) {
    bytes = new Uint8Array(key);
  } else if (typeof key === 'string' && /^[A-Za-z0-9+/_-]{43}=?$/.test(key)) {
    bytes = Uint8Array.from(atob(key.replace(/-/g, '+').replace(/_/g, '/').replace(/=?$/, '=')), (c) => c.charCodeAt(0));
  }
  if (!bytes || bytes.length !== 32) fail('InvalidOptions', `\`${name}\` must be 32 bytes (a Uint8Array) or their base64`);
  return bytes;
}
