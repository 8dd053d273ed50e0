// Records at rest: the envelope read back with implementations other than the kit's (the
// @noble/ciphers npm package for XChaCha20-Poly1305, node:crypto for HMAC, SHA-256 and the first
// format's AES-256-GCM) to prove the documented format, and every way a stored record can be
// wrong: another key, altered bytes, a row copied to another user, a well-sealed record that is
// not a record. Each fails closed with its code and leaves the row as it was. Key rotation:
// old records read under previousKeys and rewritten under the current key on their next write;
// records of the first format read and rewritten in this one. The records themselves are read
// here from their documented layout (postcard's wire format, src/policy/packed.rs) by a decoder
// of this file's own, into the record's JSON shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kit, ROOT, STEP, clock, newKey, newUser, phone, server, enroll, rejectsWith } from './support.mjs';

const { createTotpServer, memoryStore } = kit;

const keyId = (key) => createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');

// The format's documented key: HMAC-SHA256 of the configured key over this label.
const subkey = (key) => createHmac('sha256', key).update('totpkit record envelope tk2: XChaCha20-Poly1305').digest();

/**
 * Opens an envelope as the format is documented: tk2.<keyId>.<nonce>.<ciphertext + tag>
 * (XChaCha20-Poly1305 under the derived key), or the first format, tk1.<keyId>.<iv>.<ciphertext
 * + tag> (AES-256-GCM under the key itself); the additional data names the format's digit.
 */
function openEnvelope(data, key, userId, format = 'tk2') {
  const plain = decrypt(data, key, userId, format);
  // The kit writes records packed; JSON (which begins with `{`) is what earlier versions wrote.
  return plain[0] === 0x7b ? JSON.parse(Buffer.from(plain).toString('utf8')) : unpack(plain);
}

/** An envelope's plaintext bytes (see openEnvelope). */
function decrypt(data, key, userId, format = 'tk2') {
  const [tag, id, nonce, body] = data.split('.');
  assert.equal(tag, format);
  assert.equal(id, keyId(key));
  const bytes = Buffer.from(body, 'base64url');
  const aad = Buffer.from(`totpkit:${format[2]}:${id}:${userId}`);
  if (format === 'tk2') return xchacha20poly1305(subkey(key), Buffer.from(nonce, 'base64url'), aad).decrypt(bytes);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
  decipher.setAAD(aad);
  decipher.setAuthTag(bytes.subarray(-16));
  return Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]);
}

/**
 * A packed record (src/policy/packed.rs: the version byte, then postcard's wire format:
 * unsigned integers as LEB128 varints, signed ones zigzag-encoded first, an Option as a 0 or 1
 * byte before its value, a sequence or string as its varint length and its items, a byte array
 * of fixed length as its bytes) as the record's JSON shape.
 */
function unpack(bytes) {
  let at = 0;
  const byte = () => {
    assert.ok(at < bytes.length, 'the record ends early');
    return bytes[at++];
  };
  const varint = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = byte();
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return value;
    }
  };
  const uint = () => Number(varint());
  const int = () => {
    const z = varint();
    return Number(z & 1n ? -(z >> 1n) - 1n : z >> 1n);
  };
  const raw = (n) => {
    at += n;
    assert.ok(at <= bytes.length, 'the record ends early');
    return Buffer.from(bytes.subarray(at - n, at));
  };
  const option = (read) => (byte() === 1 ? read() : null);
  const list = (read) => Array.from({ length: uint() }, read);
  const text = () => raw(uint()).toString('utf8');
  const authenticator = () => ({
    secret: base32(raw(uint())),
    algorithm: text(),
    digits: uint(),
    period: uint(),
    lastStep: option(uint),
    drift: int(),
    resync: option(() => ({ offset: int(), step: uint(), expiresAt: uint() })),
  });
  const record = {
    v: byte(),
    active: option(authenticator),
    pending: option(() => ({ authenticator: authenticator(), issuer: text(), account: text(), expiresAt: uint() })),
    failures: uint(),
    lastFailureAt: uint(),
    sources: list(() => ({ id: raw(8).toString('hex'), failures: uint(), lastFailureAt: uint() })),
    recovery: option(() => ({ salt: raw(16).toString('hex'), hashes: list(() => raw(16).toString('hex')).join(''), used: uint() })),
  };
  assert.equal(at, bytes.length, 'nothing after the record');
  return record;
}

/** RFC 4648 base32, unpadded (a record's secret as the JSON shape holds it). */
function base32(bytes) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => alphabet[parseInt(chunk.padEnd(5, '0'), 2)]).join('');
}

/** Seals any text in either format, so a test can store a well-sealed non-record or an old row. */
function sealEnvelope(text, key, userId, format = 'tk2') {
  const id = keyId(key);
  const aad = Buffer.from(`totpkit:${format[2]}:${id}:${userId}`);
  if (format === 'tk2') {
    const nonce = randomBytes(24);
    const body = xchacha20poly1305(subkey(key), nonce, aad).encrypt(Buffer.from(text, 'utf8'));
    return `tk2.${id}.${nonce.toString('base64url')}.${Buffer.from(body).toString('base64url')}`;
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
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

test('the envelope: XChaCha20-Poly1305 under the key id, bound to the user; a fresh nonce per write', async () => {
  const { totp, store, key, c } = server();
  const user = newUser();
  const begun = await totp.beginEnrollment(user, { account: 'alice' });
  const first = await store.get(user);
  const record = openEnvelope(first.data, key, user);
  assert.equal(record.v, 2);
  assert.equal(record.pending.authenticator.secret, begun.secret, 'the secret is inside, and only there');

  await totp.confirmEnrollment(user, phone(begun.secret).code(c.t));
  const second = await store.get(user);
  const plain = decrypt(second.data, key, user);
  assert.equal(plain[0], 2, 'packed: the record version, then the record');
  assert.ok(plain.length < JSON.stringify(openEnvelope(second.data, key, user)).length / 2, `${plain.length} bytes`);
  assert.equal(second.version, first.version + 1);
  assert.notEqual(second.data.split('.')[2], first.data.split('.')[2], 'a new nonce');
  assert.equal(Buffer.from(second.data.split('.')[2], 'base64url').length, 24);
  assert.equal(openEnvelope(second.data, key, user).active.secret, begun.secret);
  assert.throws(() => openEnvelope(second.data, key, `${user}-other`), /invalid tag/, 'the user id is authenticated');
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
  const { totp, store, key, c } = server();
  const owner = newUser();
  await enroll(totp, c, owner);
  const good = (await store.get(owner)).data;
  const [, id, iv, body] = good.split('.');
  // The same record in the first format, which is still read.
  const old = sealEnvelope(JSON.stringify(openEnvelope(good, key, owner)), key, owner, 'tk1').split('.');
  const flip = (text, at) => {
    const bytes = Buffer.from(text, 'base64url');
    bytes[at] ^= 1;
    return bytes.toString('base64url');
  };
  const bad = {
    'not an envelope': 'garbage',
    empty: '',
    'another format': `tk3.${id}.${iv}.${body}`,
    'the first format\'s tag on this format': `tk1.${id}.${iv}.${body}`,
    'a short key id': `tk2.${id.slice(2)}.${iv}.${body}`,
    'an uppercase key id': `tk2.${id.toUpperCase()}.${iv}.${body}`,
    'a short nonce': `tk2.${id}.${iv.slice(4)}.${body}`,
    'no ciphertext': `tk2.${id}.${iv}.`,
    'only a tag': `tk2.${id}.${iv}.${Buffer.from(body, 'base64url').subarray(-16).toString('base64url')}`,
    'a truncated ciphertext': `tk2.${id}.${iv}.${body.slice(0, -8)}`,
    'a flipped ciphertext bit': `tk2.${id}.${iv}.${flip(body, 3)}`,
    'a flipped tag bit': `tk2.${id}.${iv}.${flip(body, Buffer.from(body, 'base64url').length - 1)}`,
    'a flipped nonce bit': `tk2.${id}.${flip(iv, 0)}.${body}`,
    'bad base64': `tk2.${id}.${iv}.${body.slice(0, -4)}====`,
    'padded base64': `tk2.${id}.${iv}.${body}==`,
    'a fifth part': `${good}.x`,
    'the first format, flipped ciphertext bit': `tk1.${old[1]}.${old[2]}.${flip(old[3], 3)}`,
    'the first format, a flipped IV bit': `tk1.${old[1]}.${flip(old[2], 0)}.${old[3]}`,
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

test('a row altered under a server that has just used it is refused: what it keeps serves only the same bytes', async () => {
  const { totp, store, c } = server();
  const user = newUser();
  await enroll(totp, c, user);
  assert.equal((await totp.status(user)).enrolled, true, 'this process has read and kept the row');
  const row = await store.get(user);
  const [format, id, nonce, body] = row.data.split('.');
  const bytes = Buffer.from(body, 'base64url');
  bytes[5] ^= 1;
  const altered = [format, id, nonce, bytes.toString('base64url')].join('.');
  assert.equal(await store.put(user, altered, row.version), true);
  for await (const op of everyOperation(totp, user)) await rejectsWith(op(), 'InvalidRecord');
  assert.deepEqual(await store.get(user), { version: row.version + 1, data: altered });
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
  // As that version's kit wrote it: in the first envelope format too.
  const old = sealEnvelope(JSON.stringify(fixture.record), key, user, 'tk1');
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

test('5 000 servers made with one key (a server per request) all work: they share one key ring', async () => {
  const store = memoryStore();
  const c = clock();
  const key = newKey();
  const user = newUser();
  const make = () => createTotpServer({ issuer: 'ACME Co', store, encryptionKey: key, now: c.now });
  const { phone } = await enroll(make(), c, user);
  for (let i = 0; i < 5_000; i++) make();
  c.advance(STEP);
  assert.equal((await make().verify(user, phone.code(c.t))).ok, true);
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
  // A second user whose row is still in the first format, under the old key.
  const older = newUser();
  const { phone: olderPhone } = await enroll(before, c, older);
  const record = openEnvelope((await store.get(older)).data, oldKey, older);
  await store.put(older, sealEnvelope(JSON.stringify(record), oldKey, older, 'tk1'), (await store.get(older)).version);

  const rotated = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: newKeyBytes, previousKeys: [oldKey], now: c.now });
  assert.equal((await rotated.status(user)).enrolled, true, 'read under the previous key');
  assert.equal((await store.get(user)).data.split('.')[1], keyId(oldKey), 'a read writes nothing');
  c.advance(STEP);
  assert.equal((await rotated.verify(user, phone.code(c.t))).ok, true);
  const row = await store.get(user);
  assert.equal(row.data.split('.')[1], keyId(newKeyBytes), 'rewritten under the current key');
  assert.equal(openEnvelope(row.data, newKeyBytes, user).active.secret !== undefined, true);
  assert.equal((await rotated.status(older)).enrolled, true, 'the first format, under the previous key');
  assert.equal((await rotated.verify(older, olderPhone.code(c.t))).ok, true);
  assert.equal(openEnvelope((await store.get(older)).data, newKeyBytes, older).active.secret, record.active.secret);

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
