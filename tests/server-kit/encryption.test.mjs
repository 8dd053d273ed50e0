// Records at rest: the envelope read back with node:crypto (an implementation other than the
// kit's Web Crypto calls) to prove the documented format, and every way a stored record can be
// wrong: another key, altered bytes, a row copied to another user, a well-sealed record that is
// not a record. Each fails closed with its code and leaves the row as it was. Key rotation:
// old records read under previousKeys and rewritten under the current key on their next write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kit, ROOT, STEP, clock, newKey, newUser, phone, server, enroll, rejectsWith } from './support.mjs';

const { createTotpServer, memoryStore } = kit;

const keyId = (key) => createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');

/** Opens an envelope as the format is documented: tk1.<keyId>.<iv>.<ciphertext + tag>. */
function openEnvelope(data, key, userId) {
  const [format, id, iv, body] = data.split('.');
  assert.equal(format, 'tk1');
  assert.equal(id, keyId(key));
  const bytes = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`totpkit:1:${id}:${userId}`));
  decipher.setAuthTag(bytes.subarray(-16));
  return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]).toString('utf8'));
}

/** Seals any text the way the kit does, so a test can store a well-sealed non-record. */
function sealEnvelope(text, key, userId) {
  const id = keyId(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`totpkit:1:${id}:${userId}`));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `tk1.${id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** Every operation, each of which must refuse an unreadable record the same way (one at a time). */
async function* everyOperation(totp, user) {
  yield () => totp.beginEnrollment(user, { account: 'a' });
  yield () => totp.confirmEnrollment(user, '123456');
  yield () => totp.verify(user, '123456');
  yield () => totp.useRecoveryCode(user, '00000-00000');
  yield () => totp.regenerateRecoveryCodes(user);
  yield () => totp.status(user);
  yield () => totp.disable(user);
}

test('the envelope: AES-256-GCM under the key id, bound to the user; a fresh IV per write', async () => {
  const { totp, store, key, c } = server();
  const user = newUser();
  const begun = await totp.beginEnrollment(user, { account: 'alice' });
  const first = await store.get(user);
  const record = openEnvelope(first.data, key, user);
  assert.equal(record.v, 2);
  assert.equal(record.pending.authenticator.secret, begun.secret, 'the secret is inside, and only there');

  await totp.confirmEnrollment(user, phone(begun.secret).code(c.t));
  const second = await store.get(user);
  assert.equal(second.version, first.version + 1);
  assert.notEqual(second.data.split('.')[2], first.data.split('.')[2], 'a new IV');
  assert.equal(openEnvelope(second.data, key, user).active.secret, begun.secret);
  assert.throws(() => openEnvelope(second.data, key, `${user}-other`), /authenticate/, 'the user id is authenticated');
});

test('another key: WrongEncryptionKey for every operation, the row untouched, the right key still works', async () => {
  const store = memoryStore();
  const c = clock();
  const { totp, key } = server({ store, c });
  const user = newUser();
  const { phone } = await enroll(totp, c, user);
  const before = await store.get(user);
  const stranger = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: newKey(), now: c.now });
  for await (const op of everyOperation(stranger, user)) await rejectsWith(op(), 'WrongEncryptionKey');
  assert.deepEqual(await store.get(user), before);
  c.advance(STEP);
  assert.equal((await totp.verify(user, phone.code(c.t))).ok, true);
  assert.equal(keyId(key), (await store.get(user)).data.split('.')[1]);
});

test('altered or foreign envelopes: InvalidRecord for every operation, the row untouched', async () => {
  const { totp, store, c } = server();
  const owner = newUser();
  await enroll(totp, c, owner);
  const good = (await store.get(owner)).data;
  const [, id, iv, body] = good.split('.');
  const flip = (text, at) => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[at] ^= 1;
    return bytes.toString('base64url');
  };
  const bad = {
    'not an envelope': 'garbage',
    empty: '',
    'another format': `tk2.${id}.${iv}.${body}`,
    'a short key id': `tk1.${id.slice(2)}.${iv}.${body}`,
    'a short IV': `tk1.${id}.${iv.slice(4)}.${body}`,
    'no ciphertext': `tk1.${id}.${iv}.`,
    'a truncated ciphertext': `tk1.${id}.${iv}.${body.slice(0, -8)}`,
    'a flipped ciphertext bit': `tk1.${id}.${iv}.${flip(body, 3)}`,
    'a flipped tag bit': `tk1.${id}.${iv}.${flip(body, Buffer.from(body, 'base64url').length - 1)}`,
    'a flipped IV bit': `tk1.${id}.${flip(iv, 0)}.${body}`,
    'bad base64': `tk1.${id}.${iv}.${body.slice(0, -4)}====`,
  };
  for (const [what, data] of Object.entries(bad)) {
    const user = newUser();
    assert.equal(await store.put(user, data, 0), true);
    for await (const op of everyOperation(totp, user)) {
      await assert.rejects(op(), (e) => e instanceof kit.TotpkitError && e.code === 'InvalidRecord', what);
    }
    assert.deepEqual(await store.get(user), { version: 1, data }, what);
  }
});

test('a record copied into another user’s row is InvalidRecord: it authenticates only for its user', async () => {
  const { totp, store, c } = server();
  const victim = newUser();
  const attacker = newUser();
  await enroll(totp, c, victim);
  const { phone: attackerPhone } = await enroll(totp, c, attacker);
  const victimRow = await store.get(victim);
  const attackerRow = await store.get(attacker);
  // Someone with write access to the table swaps their own authenticator into the victim's row.
  assert.equal(await store.put(victim, attackerRow.data, victimRow.version), true);
  for await (const op of everyOperation(totp, victim)) await rejectsWith(op(), 'InvalidRecord');
  await rejectsWith(totp.verify(victim, attackerPhone.code(c.t + STEP)), 'InvalidRecord');
});

// A record written by the previous format (version 1: ten whole recovery-code hashes, hex, in two
// lists; recovery code 3 used) still works, and its next write is this format, smaller.
test('a version 1 record is read; its next write is this version', async () => {
  const fixture = JSON.parse(readFileSync(join(ROOT, 'tests', 'data', 'policy-record-v1.json'), 'utf8'));
  const { totp, store, key } = server();
  const user = newUser();
  const old = sealEnvelope(JSON.stringify(fixture.record), key, user);
  assert.equal(await store.put(user, old, 0), true);
  assert.equal((await totp.status(user)).recoveryCodesLeft, 9);
  assert.equal((await totp.useRecoveryCode(user, fixture.recoveryCodes[3])).reason, 'replayed');
  assert.equal((await store.get(user)).data, old, 'a refusal that changes nothing writes nothing');
  assert.deepEqual(await totp.useRecoveryCode(user, fixture.recoveryCodes[5]), { ok: true, recoveryCodesLeft: 8 });
  const now = await store.get(user);
  const record = openEnvelope(now.data, key, user);
  assert.equal(record.v, 2);
  assert.ok(now.data.length < (old.length * 2) / 3, `${now.data.length} vs ${old.length} characters`);
  for (const used of [3, 5]) assert.equal((await totp.useRecoveryCode(user, fixture.recoveryCodes[used])).reason, 'replayed');
  assert.deepEqual(await totp.useRecoveryCode(user, fixture.recoveryCodes[0]), { ok: true, recoveryCodesLeft: 7 });
});

test('well-sealed plaintext that is not a record of this format is InvalidRecord (the core checks it)', async () => {
  const { totp, store, key, c } = server();
  const model = newUser();
  await enroll(totp, c, model);
  const record = openEnvelope((await store.get(model)).data, key, model);
  const foreign = {
    'a newer format': JSON.stringify({ ...record, v: 3 }),
    'the previous format\'s number on this format': JSON.stringify({ ...record, v: 1 }),
    'an unknown field': JSON.stringify({ ...record, admin: true }),
    'a secret that is not base32': JSON.stringify({ ...record, active: { ...record.active, secret: 'not base32!' } }),
    'unsupported digits': JSON.stringify({ ...record, active: { ...record.active, digits: 12 } }),
    'a field of the wrong type': JSON.stringify({ ...record, failures: 'many' }),
    'not JSON': 'not json',
    'a JSON string': '"record"',
    'JSON null': 'null',
    'a JSON array': '[1,2,3]',
  };
  for (const [what, text] of Object.entries(foreign)) {
    const user = newUser();
    const data = sealEnvelope(text, key, user);
    assert.equal(await store.put(user, data, 0), true);
    for await (const op of everyOperation(totp, user)) {
      await assert.rejects(op(), (e) => e instanceof kit.TotpkitError && e.code === 'InvalidRecord', what);
    }
    assert.deepEqual(await store.get(user), { version: 1, data }, what);
  }
  // The unaltered record, sealed the same way by this test, is read: the check is the content.
  const copy = newUser();
  await store.put(copy, sealEnvelope(JSON.stringify(record), key, copy), 0);
  assert.equal((await totp.status(copy)).enrolled, true);
});

test('key rotation: previousKeys read old records, the next write moves them to the current key', async () => {
  const store = memoryStore();
  const c = clock();
  const oldKey = newKey();
  const newKeyBytes = newKey();
  const before = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: oldKey, now: c.now });
  const user = newUser();
  const { phone } = await enroll(before, c, user);
  assert.equal((await store.get(user)).data.split('.')[1], keyId(oldKey));

  const rotated = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: newKeyBytes, previousKeys: [oldKey], now: c.now });
  assert.equal((await rotated.status(user)).enrolled, true, 'read under the previous key');
  assert.equal((await store.get(user)).data.split('.')[1], keyId(oldKey), 'a read writes nothing');
  c.advance(STEP);
  assert.equal((await rotated.verify(user, phone.code(c.t))).ok, true);
  const row = await store.get(user);
  assert.equal(row.data.split('.')[1], keyId(newKeyBytes), 'rewritten under the current key');
  assert.equal(openEnvelope(row.data, newKeyBytes, user).active.secret !== undefined, true);

  // The old key alone no longer reads it; the new key alone does. Records never written since
  // the rotation still need the previous key.
  await rejectsWith(before.status(user), 'WrongEncryptionKey');
  const only = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: newKeyBytes, now: c.now });
  assert.equal((await only.status(user)).enrolled, true);
  const idle = newUser();
  await before.beginEnrollment(idle, { account: 'idle' });
  await rejectsWith(only.status(idle), 'WrongEncryptionKey');
  assert.equal((await rotated.status(idle)).pending, true);
  // The current key given again among the previous ones is harmless.
  const twice = createTotpServer({
    issuer: 'ACME Co',
    store,
    encryptionKey: newKeyBytes,
    previousKeys: [newKeyBytes, oldKey],
    now: c.now,
  });
  assert.equal((await twice.status(idle)).pending, true);
});
