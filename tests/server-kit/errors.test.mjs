// Bad input and broken storage through the public API (memory store and hand-made stores): every
// wrong type, unknown user, misbehaving store and bad option is a thrown TotpkitError with a
// documented code, and none of them changes what is stored. Refusals (a wrong code) are results,
// tested in contract.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { kit, PKG, STEP, clock, newKey, newUser, server, enroll, rejectsWith, throwsWith } from './support.mjs';

const { createTotpServer, memoryStore, ERROR_CODES, TotpkitError } = kit;

test('ERROR_CODES is the documented, frozen list', () => {
  assert.ok(Object.isFrozen(ERROR_CODES));
  assert.deepEqual(
    [...ERROR_CODES],
    [
      'InvalidOptions',
      'InvalidUser',
      'InvalidArgument',
      'UnknownUser',
      'InvalidRecord',
      'WrongEncryptionKey',
      'NotEnrolled',
      'StoreConflict',
      'StoreUnavailable',
    ],
  );
});

test('createTotpServer refuses bad options with InvalidOptions', () => {
  const good = { issuer: 'ACME Co', store: memoryStore(), encryptionKey: newKey() };
  const bad = [
    undefined,
    null,
    'ACME Co',
    { ...good, issuer: undefined },
    { ...good, issuer: '' },
    { ...good, issuer: 42 },
    { ...good, issuer: 'ACME:Co' }, // the core refuses a colon in an otpauth issuer
    { ...good, issuer: 'ACME\ud800' },
    { ...good, issuer: 'A'.repeat(257) },
    { ...good, store: undefined },
    { ...good, store: { get() {} } }, // no put
    { ...good, encryptionKey: undefined },
    { ...good, encryptionKey: new Uint8Array(31) },
    { ...good, encryptionKey: new Uint8Array(33) },
    { ...good, encryptionKey: Array.from(newKey()) },
    { ...good, encryptionKey: newKey().buffer },
    { ...good, encryptionKey: 'not base64 at all, and not 32 bytes!!!!!!!!' },
    { ...good, encryptionKey: Buffer.alloc(24).toString('base64') },
    { ...good, previousKeys: newKey() },
    { ...good, previousKeys: [newKey(), 'short'] },
    { ...good, previousKeys: Array.from({ length: 17 }, newKey) },
    { ...good, now: 1_700_000_000_000 },
    { ...good, encryption_key: newKey() },
    Object.defineProperty({ ...good }, 'now', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    }),
  ];
  for (const options of bad) throwsWith(() => createTotpServer(options), 'InvalidOptions');
});

test('keys: bytes, base64 and base64url of the same key read each other’s records', async () => {
  const store = memoryStore();
  const key = newKey();
  const c = clock();
  const forms = [key, Buffer.from(key).toString('base64'), Buffer.from(key).toString('base64url'), Buffer.from(key)];
  const first = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: forms[0], now: c.now });
  const user = newUser();
  const { phone } = await enroll(first, c, user);
  for (const form of forms.slice(1)) {
    const other = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: form, now: c.now });
    c.advance(STEP);
    assert.equal((await other.verify(user, phone.code(c.t))).ok, true);
  }
  key.fill(0); // the server copied the key: zeroing the caller's array changes nothing
  c.advance(STEP);
  assert.equal((await first.verify(user, phone.code(c.t))).ok, true);
});

test('user ids: not a non-empty string of at most 256 characters is InvalidUser, for every method', async () => {
  const { totp } = server();
  const badIds = [undefined, null, 42, '', 'x'.repeat(257), ['alice'], { id: 'alice' }, 'lone\udc00surrogate'];
  for (const id of badIds) {
    await rejectsWith(totp.beginEnrollment(id, { account: 'a' }), 'InvalidUser');
    await rejectsWith(totp.confirmEnrollment(id, '123456'), 'InvalidUser');
    await rejectsWith(totp.verify(id, '123456'), 'InvalidUser');
    await rejectsWith(totp.useRecoveryCode(id, '00000-00000'), 'InvalidUser');
    await rejectsWith(totp.regenerateRecoveryCodes(id), 'InvalidUser');
    await rejectsWith(totp.status(id), 'InvalidUser');
    await rejectsWith(totp.disable(id), 'InvalidUser');
  }
  // The longest allowed id, and any Unicode, are fine.
  assert.equal((await totp.beginEnrollment('x'.repeat(256), { account: 'a' })).ok, true);
  assert.equal((await totp.beginEnrollment('ユーザー😀', { account: 'b' })).ok, true);
});

test('wrong argument types are InvalidArgument and change nothing; wrong strings are refusals', async () => {
  const { totp, store, c } = server();
  const user = newUser();
  const { phone } = await enroll(totp, c, user);
  const before = await store.get(user);
  const throwing = {
    get source() {
      throw new Error('boom');
    },
  };
  for (const method of ['confirmEnrollment', 'verify', 'useRecoveryCode']) {
    for (const code of [undefined, null, 123456, ['123456'], { code: '123456' }, new String('123456')]) {
      await rejectsWith(totp[method](user, code), 'InvalidArgument');
    }
    const huge = { source: 's'.repeat(65_537) };
    for (const opts of [null, 'source', 42, { source: 42 }, { source: null }, huge, { ip: '1.2.3.4' }, throwing]) {
      await rejectsWith(totp[method](user, phone.code(c.t + STEP), opts), 'InvalidArgument');
    }
  }
  for (const opts of [null, 'alice', { account: 42 }, { account: '' }, { account: 'a'.repeat(257) }, { name: 'alice' }]) {
    await rejectsWith(totp.beginEnrollment(newUser(), opts), 'InvalidArgument');
  }
  await rejectsWith(totp.beginEnrollment(newUser(), { account: 'a:b' }), 'InvalidArgument');
  assert.deepEqual(await store.get(user), before, 'nothing was written');

  // A string that is not a code is the core's to refuse, as `malformed`, uncounted.
  for (const code of ['', '12345', '1234567', 'abcdef', '12 34 5x', 'x'.repeat(1_000_000), '12345\ud800']) {
    assert.deepEqual(await totp.verify(user, code), { ok: false, reason: 'malformed' });
  }
  assert.deepEqual(await store.get(user), before, 'a malformed code is not a counted failure');
  // A lone surrogate in a source is harmless.
  assert.equal((await totp.verify(user, phone.code(c.t + STEP), { source: '\ud800' })).ok, true);
});

test('an unknown user is UnknownUser for confirm, verify, recovery and regenerate; nothing is created', async () => {
  const { totp, store } = server();
  const user = newUser();
  await rejectsWith(totp.confirmEnrollment(user, '123456'), 'UnknownUser');
  await rejectsWith(totp.verify(user, '123456'), 'UnknownUser');
  await rejectsWith(totp.useRecoveryCode(user, '00000-00000'), 'UnknownUser');
  await rejectsWith(totp.regenerateRecoveryCodes(user), 'UnknownUser');
  assert.deepEqual(await totp.status(user), {
    enrolled: false,
    pending: false,
    recoveryCodesLeft: 0,
    driftSteps: 0,
    locked: false,
  });
  await totp.disable(user);
  assert.equal(await store.get(user), null);
});

test('a `now` that returns no time is InvalidOptions at the call', async () => {
  for (const bad of [NaN, Infinity, -1, '1700000000000', undefined, 2 ** 60]) {
    const totp = createTotpServer({ issuer: 'ACME Co', store: memoryStore(), encryptionKey: newKey(), now: () => bad });
    await rejectsWith(totp.beginEnrollment(newUser(), { account: 'a' }), 'InvalidOptions');
    assert.throws(
      () => totp.timeHandler(),
      (e) => e instanceof TotpkitError && e.code === 'InvalidOptions',
    );
  }
});

test('a store that throws is StoreUnavailable, with the store’s error as cause', async () => {
  const failure = new Error('connection refused');
  for (const method of ['get', 'put']) {
    const inner = memoryStore();
    let broken = false;
    const store = {};
    for (const m of ['get', 'put', 'delete']) {
      store[m] = async (...args) => {
        if (broken && m === method) throw failure;
        return inner[m](...args);
      };
    }
    const { totp, c } = server({ store });
    const user = newUser();
    const { phone } = await enroll(totp, c, user);
    const before = await inner.get(user);
    broken = true;
    // status() always reads the store; verify() may start from the row this process wrote last
    // (and then only its put reaches the store).
    const attempt = method === 'get' ? totp.status(user) : totp.verify(user, phone.code(c.t + STEP));
    await assert.rejects(attempt, (e) => e instanceof TotpkitError && e.code === 'StoreUnavailable' && e.cause === failure);
    assert.deepEqual(await inner.get(user), before);
  }
});

test('a store that answers out of contract is StoreUnavailable', async () => {
  const rows = [
    { version: '1', data: 'x' },
    { version: 0, data: 'x' },
    { version: 1.5, data: 'x' },
    { version: 1 },
    { version: 1, data: 7 },
    'row',
    42,
  ];
  for (const row of rows) {
    const { totp } = server({ store: { get: async () => row, put: async () => true, delete: async () => true } });
    await rejectsWith(totp.status(newUser()), 'StoreUnavailable');
  }
  const { totp } = server({ store: { get: async () => null, put: async () => 'yes', delete: async () => true } });
  await rejectsWith(totp.beginEnrollment(newUser(), { account: 'a' }), 'StoreUnavailable');
});

test('a compare-and-set that keeps losing is StoreConflict after 20 tries; a few losses are retried', async () => {
  const inner = memoryStore();
  let puts = 0;
  let lose = Infinity;
  const store = {
    get: (id) => inner.get(id),
    put: async (id, data, v) => (++puts <= lose ? false : inner.put(id, data, v)),
    delete: (id, v) => inner.delete(id, v),
  };
  const { totp } = server({ store });
  const user = newUser();
  await rejectsWith(totp.beginEnrollment(user, { account: 'a' }), 'StoreConflict');
  assert.equal(puts, 20);
  assert.equal(await inner.get(user), null);

  puts = 0;
  lose = 3;
  assert.equal((await totp.beginEnrollment(user, { account: 'a' })).ok, true);
  assert.equal(puts, 4);
});

test('a write that lost to another process is decided again on the new record', async () => {
  // Between this server's read and its write, "another process" uses the same code: the retry
  // reads that record and answers replayed, instead of overwriting it.
  const inner = memoryStore();
  const c = clock();
  const key = newKey();
  let race = null;
  const store = {
    get: (id) => inner.get(id),
    async put(id, data, v) {
      if (race) {
        const run = race;
        race = null;
        await run();
      }
      return inner.put(id, data, v);
    },
    delete: (id, v) => inner.delete(id, v),
  };
  const here = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: key, now: c.now });
  const there = createTotpServer({ issuer: 'ACME Co', store: inner, encryptionKey: key, now: c.now });
  const user = newUser();
  const { phone } = await enroll(there, c, user);
  c.advance(STEP);
  let theirs;
  race = async () => {
    theirs = await there.verify(user, phone.code(c.t));
  };
  const ours = await here.verify(user, phone.code(c.t));
  assert.equal(theirs.ok, true);
  assert.deepEqual(ours, { ok: false, reason: 'replayed' });
});

test('TotpkitError: instanceof across the server and browser entries, cause kept', async () => {
  const browser = await import(pathToFileURL(join(PKG, 'node.js')).href);
  const fromBrowser = new browser.TotpkitError('InvalidBase32', 'x');
  assert.ok(fromBrowser instanceof TotpkitError);
  const fromServer = new TotpkitError('InvalidUser', 'y', { cause: 'z' });
  assert.ok(fromServer instanceof browser.TotpkitError);
  assert.ok(fromServer instanceof Error);
  assert.equal(fromServer.cause, 'z');
  assert.ok(!({ code: 'InvalidUser', name: 'TotpkitError' } instanceof TotpkitError));
});
