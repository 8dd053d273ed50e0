// Two server processes sharing one Postgres (issue 22, item 4): a throwaway cluster
// (tests/server-kit/pg.mjs) and two child processes (worker.mjs), each with its own pool and its
// own createTotpServer over the built package, as two instances of a site behind a load balancer.
// The store's compare-and-set is all that keeps them consistent: one code sent to both at once is
// accepted once, 20 concurrent submissions have one winner, and failures counted by one process
// hold back the next try in the other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startPostgres } from './pg.mjs';
import { ROOT, T0, STEP, newUser, phone } from './support.mjs';

let db;
let a;
let b;
const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
const user = newUser('fleet');
let t = T0;
let authenticator;

/** Starts worker.mjs; `call(method, args)` sends a command at the current time `t`. */
function worker(name) {
  const child = spawn(process.execPath, [join(ROOT, 'tests', 'server-kit', 'worker.mjs'), JSON.stringify({ connectionString: db.connectionString, key })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map();
  let next = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const { id, result, error } = JSON.parse(line);
    const { resolve, reject } = waiting.get(id);
    waiting.delete(id);
    if (error) reject(Object.assign(new Error(`${name}: ${error.code}: ${error.message}`), error));
    else resolve(result);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    call(method, ...args) {
      const id = ++next;
      child.stdin.write(`${JSON.stringify({ id, method, args, at: t })}\n`);
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

before(async () => {
  db = await startPostgres();
  a = worker('A');
  b = worker('B');
  // Both processes create the table on first use, at the same moment: the race on the catalog
  // must not fail either of them.
  assert.deepEqual(
    await Promise.all([a.call('status', user), b.call('status', user)]).then((s) => s.map((x) => x.enrolled)),
    [false, false],
  );
  const begun = await a.call('beginEnrollment', user, { account: 'fleet@example.com' });
  assert.deepEqual(await b.call('beginEnrollment', user, { account: 'fleet@example.com' }), { ...begun, resumed: true }, 'B resumes what A began');
  authenticator = phone(begun.secret);
  assert.equal((await b.call('confirmEnrollment', user, authenticator.code(t), { source: 'enroll' })).ok, true);
});

after(async () => {
  await Promise.all([a?.close(), b?.close()]);
  db?.stop();
});

test('one code sent to both processes at once is accepted exactly once', async () => {
  for (let round = 0; round < 5; round++) {
    t += STEP;
    const code = authenticator.code(t);
    const answers = await Promise.all([a.call('verify', user, code, { source: 'tab-a' }), b.call('verify', user, code, { source: 'tab-b' })]);
    assert.equal(answers.filter((x) => x.ok).length, 1, JSON.stringify(answers));
    assert.deepEqual(answers.find((x) => !x.ok), { ok: false, reason: 'replayed' });
  }
});

test('20 concurrent submissions split across both processes: one winner, 19 replayed', async () => {
  t += STEP;
  const code = authenticator.code(t);
  const [lostBefore] = await Promise.all([a.call('stats'), b.call('stats')]).then((s) => [s[0].lost + s[1].lost]);
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).call('verify', user, code, { source: `client-${i}` })));
  assert.equal(answers.filter((x) => x.ok).length, 1, JSON.stringify(answers));
  assert.equal(answers.filter((x) => x.reason === 'replayed').length, 19);
  const stats = await Promise.all([a.call('stats'), b.call('stats')]);
  assert.notEqual(stats[0].pid, stats[1].pid);
  assert.ok(stats[0].lost + stats[1].lost > lostBefore, 'the race really happened: compare-and-sets were lost and decided again');
});

test('failures counted in one process delay the next try in the other', async () => {
  t += STEP;
  const wrong = [];
  for (let i = 0; i < 3; i++) wrong.push(await a.call('verify', user, authenticator.wrong(t), { source: '198.51.100.9' }));
  assert.deepEqual(wrong.map((x) => x.reason), ['invalid', 'invalid', 'invalid']);
  assert.equal(wrong[2].retryAfterMs, 1_000);

  t += 250;
  const held = await b.call('verify', user, authenticator.code(t), { source: '198.51.100.9' });
  assert.equal(held.reason, 'throttled');
  assert.equal(held.retryAfterMs, 750);
  t += held.retryAfterMs;
  assert.equal((await b.call('verify', user, authenticator.code(t), { source: '198.51.100.9' })).ok, true);
  assert.equal((await a.call('status', user)).locked, false);
});

test('recovery codes, regenerated in one process, are single-use across both', async () => {
  t += STEP;
  const codes = await a.call('regenerateRecoveryCodes', user);
  const answers = await Promise.all([a.call('useRecoveryCode', user, codes[0]), b.call('useRecoveryCode', user, codes[0])]);
  assert.deepEqual(answers.map((x) => x.ok).sort(), [false, true]);
  assert.equal(answers.find((x) => !x.ok).reason, 'replayed');
  assert.equal((await b.call('status', user)).recoveryCodesLeft, 9);
});
