// Two server processes sharing one store (issue 22, item 4): a throwaway Postgres cluster
// (tests/server-kit/pg.mjs), and for the embedded store one SQLite file, each with two child
// processes (worker.mjs) that have their own connection and their own createTotpServer over the
// built package, as two instances of a site behind a load balancer. The store's compare-and-set
// is all that keeps them consistent: one code sent to both at once is accepted once, 20 concurrent
// submissions have one winner, and failures counted by one process hold back the next try in the
// other.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres } from './pg.mjs';
import { ROOT, T0, STEP, newUser, phone } from './support.mjs';

/** Starts worker.mjs on `config`; `call(method, ...args)` calls the server at the time `clock.t`. */
function worker(name, config, clock) {
  const child = spawn(process.execPath, [join(ROOT, 'tests', 'server-kit', 'worker.mjs'), JSON.stringify(config)], {
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
  // A worker that dies (a failed import, a crash) fails what it was asked instead of leaving it
  // pending forever.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  exited.then((status) => {
    for (const { reject } of waiting.values()) reject(new Error(`${name} exited (${status}) before answering`));
    waiting.clear();
  });
  return {
    call(method, ...args) {
      return this.send({ method, args });
    },
    /** Sends a command ({ method, args, barrier? }, see worker.mjs) at the time `clock.t`. */
    send(command) {
      const id = ++next;
      child.stdin.write(`${JSON.stringify({ id, at: clock.t, ...command })}\n`);
      return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

const backends = [
  {
    name: 'Postgres, two processes',
    async start() {
      const db = await startPostgres();
      return { config: { connectionString: db.connectionString }, stop: db.stop };
    },
  },
  {
    name: 'SQLite file, two processes',
    async start() {
      const dir = mkdtempSync(join(tmpdir(), 'totpkit-sqlite-fleet-'));
      return { config: { sqlitePath: join(dir, 'totp.db') }, stop: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];

for (const backend of backends) {
  describe(backend.name, () => {
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
    const user = newUser('fleet');
    const clock = { t: T0 };
    let shared;
    let a;
    let b;
    let authenticator;

    before(async () => {
      shared = await backend.start();
      a = worker('A', { ...shared.config, key }, clock);
      b = worker('B', { ...shared.config, key }, clock);
      // Both processes create the table on first use, at the same moment: the race on the
      // catalog must fail neither of them.
      const first = await Promise.all([a.call('status', user), b.call('status', user)]);
      assert.deepEqual(
        first.map((s) => s.enrolled),
        [false, false],
      );
      const begun = await a.call('beginEnrollment', user, { account: 'fleet@example.com' });
      assert.deepEqual(
        await b.call('beginEnrollment', user, { account: 'fleet@example.com' }),
        { ...begun, resumed: true },
        'B resumes what A began',
      );
      authenticator = phone(begun.secret);
      assert.equal((await b.call('confirmEnrollment', user, authenticator.code(clock.t), { source: 'enroll' })).ok, true);
    });

    after(async () => {
      await Promise.all([a?.close(), b?.close()]);
      shared?.stop();
    });

    test('one code sent to both processes at once is accepted exactly once', async () => {
      for (let round = 0; round < 5; round++) {
        clock.t += STEP;
        const code = authenticator.code(clock.t);
        const answers = await Promise.all([
          a.call('verify', user, code, { source: 'tab-a' }),
          b.call('verify', user, code, { source: 'tab-b' }),
        ]);
        assert.equal(answers.filter((x) => x.ok).length, 1, JSON.stringify(answers));
        assert.deepEqual(
          answers.find((x) => !x.ok),
          { ok: false, reason: 'replayed' },
        );
      }
    });

    test('20 concurrent submissions split across both processes: one winner, 19 replayed', async () => {
      clock.t += STEP;
      const code = authenticator.code(clock.t);
      // Ten connections open in each process first, so the burst's reads all leave at once rather
      // than one at a time as a cold pool connects.
      const warm = (w) => Array.from({ length: 10 }, () => w.send({ method: 'status', args: [user], barrier: ['warm', 10] }));
      await Promise.all([...warm(a), ...warm(b)]);
      const lostBefore = (await Promise.all([a.call('stats'), b.call('stats')])).reduce((n, s) => n + s.lost, 0);
      // Each process starts its 10 at once (a barrier in worker.mjs), as a burst of requests would.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? b : a).send({ method: 'verify', args: [user, code, { source: `client-${i}` }], barrier: ['burst', 10] }),
        ),
      );
      assert.equal(answers.filter((x) => x.ok).length, 1, JSON.stringify(answers));
      assert.equal(answers.filter((x) => x.reason === 'replayed').length, 19);
      const stats = await Promise.all([a.call('stats'), b.call('stats')]);
      assert.notEqual(stats[0].pid, stats[1].pid);
      const lost = stats[0].lost + stats[1].lost - lostBefore;
      assert.ok(lost > 0, 'the race really happened: compare-and-sets were lost, and those requests decided again');
    });

    test('failures counted in one process delay the next try in the other', async () => {
      clock.t += STEP;
      const wrong = [];
      const stranger = { source: '198.51.100.9' };
      for (let i = 0; i < 3; i++) wrong.push(await a.call('verify', user, authenticator.wrong(clock.t), stranger));
      assert.deepEqual(
        wrong.map((x) => x.reason),
        ['invalid', 'invalid', 'invalid'],
      );
      assert.equal(wrong[2].retryAfterMs, 1_000);

      clock.t += 250;
      const held = await b.call('verify', user, authenticator.code(clock.t), stranger);
      assert.deepEqual(held, { ok: false, reason: 'throttled', retryAfterMs: 750 });
      clock.t += held.retryAfterMs;
      assert.equal((await b.call('verify', user, authenticator.code(clock.t), stranger)).ok, true);
      assert.equal((await a.call('status', user)).locked, false);
    });

    test('recovery codes, regenerated in one process, are single-use across both', async () => {
      clock.t += STEP;
      const codes = await a.call('regenerateRecoveryCodes', user);
      const answers = await Promise.all([a.call('useRecoveryCode', user, codes[0]), b.call('useRecoveryCode', user, codes[0])]);
      assert.deepEqual(answers.map((x) => x.ok).sort(), [false, true]);
      assert.equal(answers.find((x) => !x.ok).reason, 'replayed');
      assert.equal((await b.call('status', user)).recoveryCodesLeft, 9);
    });
  });
}
