// The contract of `totpkit/server` (issue 22), through its public API only, on each shipped store:
// memoryStore, sqliteStore (a file, through better-sqlite3 on this Node) and postgresStore (a
// throwaway cluster, tests/server-kit/pg.mjs). The same cases run on each, so a store that loses
// a write or a version shows up as a broken rule. Codes come from the otpauth npm package; time
// is injected, never slept.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres } from './pg.mjs';
import {
  kit,
  postgresStore,
  sqliteStore,
  T0,
  STEP,
  MINUTE,
  clock,
  newKey,
  newUser,
  phone,
  enroll,
  rejectsWith,
} from './support.mjs';

const NOT_ENROLLED_STATUS = { enrolled: false, pending: false, recoveryCodesLeft: 0, driftSteps: 0, locked: false };
// Crockford base32 (no I, L, O, U), in two groups of five.
const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/i;

/**
 * Each store under test: `open()` makes the store (before the cases run), `raw()` returns every
 * byte stored so far as someone who copied the database would see it, `close()` cleans up.
 */
const stores = [
  {
    name: 'memoryStore',
    open() {
      const store = kit.memoryStore();
      const rows = new Map();
      // The memory store's rows are private: record what went through put, as a copy would.
      const put = store.put.bind(store);
      store.put = async (id, data, v) => (await put(id, data, v)) && (rows.set(id, data), true);
      return { store, raw: async () => Buffer.from([...rows.values()].join('\n')), close() {} };
    },
  },
  {
    name: 'sqliteStore (file)',
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'totpkit-sqlite-'));
      const store = sqliteStore({ path: join(dir, 'totp.db') });
      return {
        store,
        // The database file and its write-ahead log, byte for byte.
        raw: async () => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f)))),
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgresStore',
    async open() {
      const db = await startPostgres();
      const pool = new pg.Pool({ connectionString: db.connectionString });
      const store = postgresStore({ pool });
      return {
        store,
        raw: async () => Buffer.from(JSON.stringify((await pool.query('SELECT * FROM totpkit_authenticators')).rows)),
        async close() {
          await pool.end();
          db.stop();
        },
      };
    },
  },
];

for (const spec of stores) {
  describe(spec.name, () => {
    let s;
    before(async () => {
      s = await spec.open();
    });
    after(() => s.close());

    /** A server on this store, with its own key and clock. */
    const make = (c = clock()) => ({
      totp: kit.createTotpServer({ issuer: 'ACME Co', store: s.store, encryptionKey: key, now: c.now }),
      c,
    });
    const key = newKey();

    test('enrollment: begin, resume with the same secret, confirm; recovery codes once', async () => {
      const { totp, c } = make();
      const user = newUser();
      assert.deepEqual(await totp.status(user), NOT_ENROLLED_STATUS, 'an unknown user is all false and zero');

      const begun = await totp.beginEnrollment(user, { account: 'alice@example.com' });
      assert.equal(begun.resumed, false);
      assert.equal(begun.expiresAt, T0 + 10 * MINUTE, 'confirmable for 10 minutes');
      assert.match(begun.secret, /^[A-Z2-7]{32}$/, '20 random bytes in base32');
      const uri = new URL(begun.uri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.host, 'totp');
      assert.equal(decodeURIComponent(uri.pathname), '/ACME Co:alice@example.com');
      assert.equal(uri.searchParams.get('secret'), begun.secret);
      assert.equal(uri.searchParams.get('issuer'), 'ACME Co');
      assert.deepEqual(await totp.status(user), { ...NOT_ENROLLED_STATUS, pending: true });

      // A reload a minute later: the QR already scanned must stay valid.
      c.advance(MINUTE);
      const again = await totp.beginEnrollment(user, { account: 'alice@example.com' });
      assert.deepEqual(again, { ...begun, resumed: true });

      const p = phone(begun.secret);
      const confirmed = await totp.confirmEnrollment(user, p.code(c.t), { source: '203.0.113.7' });
      assert.equal(confirmed.ok, true);
      assert.equal(confirmed.recoveryCodes.length, 10);
      for (const code of confirmed.recoveryCodes) assert.match(code, RECOVERY_CODE);
      assert.equal(new Set(confirmed.recoveryCodes).size, 10);
      assert.deepEqual(await totp.status(user), { ...NOT_ENROLLED_STATUS, enrolled: true, recoveryCodesLeft: 10 });

      assert.deepEqual(await totp.beginEnrollment(user, { account: 'alice@example.com' }), {
        ok: false,
        reason: 'already_enrolled',
      });
      assert.deepEqual(await totp.confirmEnrollment(user, p.code(c.t + STEP)), { ok: false, reason: 'already_enrolled' });
    });

    test('enrollment: a wrong or malformed first code is refused, the right one then works', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { secret } = await totp.beginEnrollment(user, { account: 'bob' });
      const p = phone(secret);
      const wrong = await totp.confirmEnrollment(user, p.wrong(c.t));
      assert.equal(wrong.ok, false);
      assert.equal(wrong.reason, 'invalid');
      assert.equal(wrong.attemptsLeft, 99);
      assert.deepEqual(await totp.confirmEnrollment(user, '12345'), { ok: false, reason: 'malformed' });
      assert.deepEqual(await totp.confirmEnrollment(user, 'abcdef'), { ok: false, reason: 'malformed' });
      assert.equal((await totp.confirmEnrollment(user, p.code(c.t))).ok, true);
    });

    test('a pending enrollment expires after 10 minutes: confirm is expired, begin starts over', async () => {
      const { totp, c } = make();
      const user = newUser();
      const first = await totp.beginEnrollment(user, { account: 'carol' });
      c.advance(10 * MINUTE + 1_000);
      assert.deepEqual(await totp.status(user), NOT_ENROLLED_STATUS, 'an expired enrollment is not pending');
      const late = await totp.confirmEnrollment(user, phone(first.secret).code(c.t));
      assert.deepEqual(late, { ok: false, reason: 'expired' });
      assert.deepEqual(await totp.confirmEnrollment(user, phone(first.secret).code(c.t)), { ok: false, reason: 'no_pending' });

      const second = await totp.beginEnrollment(user, { account: 'carol' });
      assert.equal(second.resumed, false);
      assert.notEqual(second.secret, first.secret);
      assert.equal(second.expiresAt, c.t + 10 * MINUTE);
      assert.equal((await totp.confirmEnrollment(user, phone(second.secret).code(c.t))).ok, true);
    });

    test('a code works once: replay refused, the confirming code counts as used, older steps too', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { phone: p } = await enroll(totp, c, user);
      assert.deepEqual(await totp.verify(user, p.code(c.t)), { ok: false, reason: 'replayed' }, 'the enrollment code');

      c.advance(STEP);
      const code = p.code(c.t);
      const ok = await totp.verify(user, code, { source: '203.0.113.7' });
      assert.deepEqual(ok, { ok: true, step: Math.floor(c.t / STEP), driftSteps: 0 });
      assert.deepEqual(await totp.verify(user, code, { source: '203.0.113.7' }), { ok: false, reason: 'replayed' });
      assert.deepEqual(
        await totp.verify(user, code, { source: '198.51.100.1' }),
        { ok: false, reason: 'replayed' },
        'from anywhere',
      );
      // Typed with a space or a hyphen, it is the same code.
      assert.deepEqual(await totp.verify(user, `${code.slice(0, 3)} ${code.slice(3)}`), { ok: false, reason: 'replayed' });
      // The next step's code, accepted early, stays used when its step becomes the current one.
      const next = await totp.verify(user, p.code(c.t + STEP));
      // ±1 step is typing time, not drift: only a completed resync moves the remembered drift.
      assert.deepEqual(next, { ok: true, step: Math.floor(c.t / STEP) + 1, driftSteps: 0 });
      c.advance(STEP);
      assert.deepEqual(await totp.verify(user, p.code(c.t)), { ok: false, reason: 'replayed' });
      assert.deepEqual(await totp.status(user), { ...NOT_ENROLLED_STATUS, enrolled: true, recoveryCodesLeft: 10, driftSteps: 0 });
    });

    test('resync: a phone 4 minutes behind needs two consecutive codes, then one code is enough', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { secret } = await enroll(totp, c, user);
      c.advance(30 * MINUTE);
      const slow = phone(secret, -4 * MINUTE);

      const first = await totp.verify(user, slow.code(c.t), { source: 'laptop' });
      assert.deepEqual(first, { ok: false, reason: 'resync', offsetSeconds: -240 });
      // The same code again is not a second code.
      const same = await totp.verify(user, slow.code(c.t), { source: 'laptop' });
      assert.equal(same.ok, false);

      c.advance(STEP);
      const second = await totp.verify(user, slow.code(c.t), { source: 'laptop' });
      assert.deepEqual(second, { ok: true, step: Math.floor(c.t / STEP) - 8, driftSteps: -8 });
      assert.equal((await totp.status(user)).driftSteps, -8, 'the drift is remembered');

      // The next login, a day later: one code at the same drift is accepted at once.
      c.advance(24 * 60 * MINUTE);
      const later = await totp.verify(user, slow.code(c.t), { source: 'laptop' });
      assert.deepEqual(later, { ok: true, step: Math.floor(c.t / STEP) - 8, driftSteps: -8 });
      // And a code from the server's own time is now outside the window around the drift.
      c.advance(STEP);
      const onTime = await totp.verify(user, phone(secret).code(c.t));
      assert.equal(onTime.reason, 'resync');
      assert.equal(onTime.offsetSeconds, 0);
    });

    test('resync: the second code must come within 3 minutes', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { secret } = await enroll(totp, c, user);
      const fast = phone(secret, 3 * MINUTE);
      c.advance(10 * MINUTE);
      assert.equal((await totp.verify(user, fast.code(c.t))).offsetSeconds, 180);
      c.advance(3 * MINUTE + STEP);
      const stale = await totp.verify(user, fast.code(c.t));
      assert.deepEqual(stale, { ok: false, reason: 'resync', offsetSeconds: 180 }, 'starts over');
      c.advance(STEP);
      assert.equal((await totp.verify(user, fast.code(c.t))).driftSteps, 6);
    });

    test('failures: delays per source from the 3rd, across sources from the 10th; a success clears them', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { phone: p } = await enroll(totp, c, user);
      c.advance(STEP);

      const tries = [];
      for (let i = 0; i < 3; i++) tries.push(await totp.verify(user, p.wrong(c.t), { source: 'attacker' }));
      assert.deepEqual(
        tries.map((r) => r.reason),
        ['invalid', 'invalid', 'invalid'],
      );
      assert.deepEqual(
        tries.map((r) => r.attemptsLeft),
        [99, 98, 97],
      );
      assert.deepEqual(
        tries.map((r) => r.retryAfterMs),
        [undefined, undefined, 1_000],
      );

      const held = await totp.verify(user, p.code(c.t), { source: 'attacker' });
      assert.deepEqual(held, { ok: false, reason: 'throttled', retryAfterMs: 1_000 }, 'even the right code waits');
      c.advance(400);
      assert.deepEqual(await totp.verify(user, p.code(c.t), { source: 'attacker' }), {
        ok: false,
        reason: 'throttled',
        retryAfterMs: 600,
      });
      // Another source is not held by this one's failures.
      assert.equal((await totp.verify(user, p.code(c.t), { source: 'owner' })).ok, true);

      // The count was cleared: two more failures impose no wait.
      c.advance(STEP);
      const after = await totp.verify(user, p.wrong(c.t), { source: 'attacker' });
      assert.deepEqual(after, { ok: false, reason: 'invalid', attemptsLeft: 99 });

      // Ten sources, one failure each: the account-wide count holds every source.
      for (let i = 2; i <= 10; i++) await totp.verify(user, p.wrong(c.t), { source: `botnet-${i}` });
      const fresh = await totp.verify(user, p.code(c.t), { source: 'someone-new' });
      assert.equal(fresh.reason, 'throttled');
      assert.ok(fresh.retryAfterMs > 0);
      c.advance(fresh.retryAfterMs);
      assert.equal((await totp.verify(user, p.code(c.t), { source: 'someone-new' })).ok, true);
    });

    test('100 consecutive failures lock; a recovery code still works, once', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { phone: p, recoveryCodes } = await enroll(totp, c, user);
      let last;
      for (let i = 1; i <= 100; i++) {
        c.advance(STEP);
        last = await totp.verify(user, p.wrong(c.t), { source: 'attacker' });
        assert.equal(last.reason, 'invalid', `failure ${i}: ${JSON.stringify(last)}`);
        c.advance(last.retryAfterMs ?? 0);
      }
      assert.equal(last.attemptsLeft, 0);
      assert.equal(last.retryAfterMs, 60_000, 'the delay is capped at a minute');
      assert.equal((await totp.status(user)).locked, true);
      assert.deepEqual(
        await totp.verify(user, p.code(c.t), { source: 'owner' }),
        { ok: false, reason: 'locked', attemptsLeft: 0 },
        'the right code too',
      );
      assert.equal((await totp.confirmEnrollment(user, p.code(c.t))).ok, false);

      const used = await totp.useRecoveryCode(user, recoveryCodes[3].toUpperCase(), { source: 'owner' });
      assert.deepEqual(used, { ok: true, recoveryCodesLeft: 9 }, 'typed in capitals');
      assert.deepEqual(await totp.useRecoveryCode(user, recoveryCodes[3], { source: 'owner' }), {
        ok: false,
        reason: 'replayed',
      });
      assert.deepEqual(
        await totp.status(user),
        { ...NOT_ENROLLED_STATUS, enrolled: true, recoveryCodesLeft: 9 },
        'and the lock is lifted',
      );
      c.advance(STEP);
      assert.equal((await totp.verify(user, p.code(c.t))).ok, true);
    });

    test('recovery codes: malformed, wrong, used; regenerating makes the old set stop working', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { recoveryCodes: old } = await enroll(totp, c, user);
      assert.deepEqual(await totp.useRecoveryCode(user, 'not a code'), { ok: false, reason: 'malformed' });
      const wrong = await totp.useRecoveryCode(user, '00000-00000');
      assert.equal(wrong.reason, 'invalid');
      assert.equal(wrong.attemptsLeft, 99);
      assert.deepEqual(await totp.useRecoveryCode(user, old[0]), { ok: true, recoveryCodesLeft: 9 });

      const fresh = await totp.regenerateRecoveryCodes(user);
      assert.equal(fresh.length, 10);
      for (const code of fresh) assert.match(code, RECOVERY_CODE);
      assert.equal(fresh.filter((code) => old.includes(code)).length, 0);
      assert.equal((await totp.status(user)).recoveryCodesLeft, 10);
      assert.equal((await totp.useRecoveryCode(user, old[1])).reason, 'invalid', 'an unused code of the old set');
      assert.equal((await totp.useRecoveryCode(user, old[0])).reason, 'invalid', 'a used code of the old set');
      assert.deepEqual(await totp.useRecoveryCode(user, fresh[9]), { ok: true, recoveryCodesLeft: 9 });
    });

    test('recovery codes and regeneration need an active authenticator', async () => {
      const { totp } = make();
      const user = newUser();
      await rejectsWith(totp.regenerateRecoveryCodes(user), 'UnknownUser');
      await rejectsWith(totp.useRecoveryCode(user, '00000-00000'), 'UnknownUser');
      await totp.beginEnrollment(user, { account: 'dave' });
      await rejectsWith(totp.regenerateRecoveryCodes(user), 'NotEnrolled');
      assert.deepEqual(await totp.useRecoveryCode(user, '00000-00000'), { ok: false, reason: 'not_enrolled' });
      assert.deepEqual(await totp.verify(user, '123456'), { ok: false, reason: 'not_enrolled' });
    });

    test('disable removes everything; the user can enroll again with a new secret', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { secret, phone: p } = await enroll(totp, c, user);
      assert.equal(await totp.disable(user), undefined);
      assert.deepEqual(await totp.status(user), NOT_ENROLLED_STATUS);
      // The row stays, holding an empty record: versions keep counting, so a slow request that
      // read the old authenticator can never write it back over a new one.
      const row = await s.store.get(user);
      assert.ok(row && row.version > 1, 'an empty record, a newer version');
      assert.deepEqual(await totp.verify(user, p.code(c.t + STEP)), { ok: false, reason: 'not_enrolled' });
      assert.equal(await totp.disable(user), undefined, 'twice is harmless');
      assert.equal(await totp.disable(newUser()), undefined, 'an unknown user too');

      const again = await totp.beginEnrollment(user, { account: 'erin' });
      assert.equal(again.resumed, false);
      assert.notEqual(again.secret, secret);
    });

    test('concurrent submissions of one code in one process: exactly one is accepted', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { phone: p } = await enroll(totp, c, user);
      c.advance(STEP);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => totp.verify(user, p.code(c.t), { source: `tab-${i}` })),
      );
      assert.equal(answers.filter((a) => a.ok).length, 1, JSON.stringify(answers));
      assert.ok(answers.filter((a) => !a.ok).every((a) => a.reason === 'replayed'));
    });

    test('a copied database yields no TOTP secret and no recovery code', async () => {
      const { totp, c } = make();
      const user = newUser();
      const { secret, recoveryCodes } = await enroll(totp, c, user);
      const pendingUser = newUser();
      const pending = await totp.beginEnrollment(pendingUser, { account: 'frank' });
      const raw = await s.raw();
      assert.ok(raw.includes(user) || spec.name === 'memoryStore', 'the copy holds the rows');
      for (const b32 of [secret, pending.secret]) {
        assert.ok(!raw.includes(b32), 'no base32 secret');
        assert.ok(!raw.includes(b32.toLowerCase()), 'not even in lower case');
        const bytes = base32Bytes(b32);
        assert.ok(!raw.includes(bytes), 'no secret bytes');
        assert.ok(
          !raw.includes(bytes.toString('hex')) && !raw.includes(bytes.toString('base64').slice(0, 24)),
          'in no common encoding',
        );
      }
      for (const code of recoveryCodes) assert.ok(!raw.includes(code) && !raw.includes(code.replace('-', '')));
    });

    test('timeHandler answers the injected time for checkClock, uncached', async () => {
      const { totp, c } = make(clock(1_700_000_000_123));
      const res = totp.timeHandler(new Request('https://example.com/api/time'));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('date'), 'Tue, 14 Nov 2023 22:13:20 GMT');
      assert.deepEqual(await res.json(), { now: c.t });
    });
  });
}

/** RFC 4648 base32 → bytes, written here so the check does not trust the code under test. */
function base32Bytes(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  return Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
}
