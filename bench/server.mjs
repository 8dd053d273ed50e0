// Benchmark of totpkit/server (issue 22 item 6): verifications per second and latency (median,
// p99) with the memory store and with Postgres, beside the floor — a bare `pg` compare-and-set
// UPDATE of a row of the same size, on the same pool, at the same concurrency — in one run, in
// alternating rounds so the shared machine's noise falls on all three alike.
//
//   node bench/server.mjs [--users 200] [--rounds 9] [--concurrency 8] [--no-fsync] [--pin] [--phases] [--cpu]
//   (TOTPKIT_PKG=dir: another build)
//
// Each verification is a real one: the user's current code (from the `otpauth` npm package)
// at an injected clock that moves one 30 s step per pass, so every code is new (a code works
// once) and every success writes the record (its last used step) with a compare-and-set.
// Postgres is a throwaway cluster (tests/server-kit/pg.mjs, loopback TCP), durable as Postgres's
// defaults make it unless --no-fsync.
// --pin (Linux, 2 cores or more): Postgres on the last core, this process on the first, as a fleet
// runs with its database on a machine of its own; without it they share every core, and the kit's
// CPU time competes with the database's.
// --phases (1 in flight only): where each verification's time goes, medians per contender: before
// its query reaches pg, from pg's socket write to the answer's first byte (the network and
// Postgres), and after (pg reading the answer, the kit finishing). A read-then-write contender's
// second query falls in "after".
// --cpu (Linux): CPU time per verification, medians per contender: this process's (process.cpuUsage)
// and Postgres's (every server process's user + system time from /proc, 10 ms ticks summed over
// a pass). What the machine spends, where latency only shows what a caller waits.
// Not a test: nothing here passes or fails; the README and the closing note quote its table.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import * as OTPAuth from 'otpauth';
import { startPostgres } from '../tests/server-kit/pg.mjs';

// The built package (scripts/build-pkg.sh), or another build of it in TOTPKIT_PKG.
const pkg = new URL(process.env.TOTPKIT_PKG ? `file://${process.env.TOTPKIT_PKG}/` : '../pkg/', import.meta.url);
const { createTotpServer, memoryStore } = await import(new URL('server-node.js', pkg));
const { postgresStore } = await import(new URL('server-postgres.js', pkg));

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '9' },
    concurrency: { type: 'string', default: '8' },
    // Durability off (fsync, synchronous commit), as the tests run: every database cost shrinks,
    // so the kit's own work weighs more. The default is Postgres's own settings.
    'no-fsync': { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    phases: { type: 'boolean', default: false },
    cpu: { type: 'boolean', default: false },
  },
});
const USERS = Number(values.users);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const STEP = 30_000;

const cluster = await startPostgres({ durable: !values['no-fsync'] });
/** The postmaster's pid and those of every process it has started so far. */
function postgresPids() {
  const postmaster = readFileSync(join(cluster.data, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', postmaster], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  return [postmaster, ...children];
}
if (values.pin) {
  // The postmaster and every process it has started (backends it forks later inherit its
  // affinity), every thread of each; then this process, every thread.
  const last = String(cpus().length - 1);
  for (const pid of postgresPids()) execFileSync('taskset', ['-a', '-p', '-c', last, pid], { stdio: 'ignore' });
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}
const pool = new pg.Pool({ connectionString: cluster.connectionString, max: CONCURRENCY });

// --phases: the verification under way, and when its query was handed to pg, written to the
// socket, and answered (the first bytes back).
let phase = null;
if (values.phases) {
  if (CONCURRENCY !== 1) throw new Error('--phases needs --concurrency 1');
  const query = pool.query.bind(pool);
  pool.query = (...args) => {
    if (phase && !phase.call) phase.call = performance.now();
    return query(...args);
  };
  pool.on('connect', (client) => {
    const stream = client.connection.stream;
    const write = stream.write.bind(stream);
    stream.write = (...args) => {
      if (phase?.call && !phase.sent) phase.sent = performance.now();
      return write(...args);
    };
    stream.prependListener('data', () => {
      if (phase?.sent && !phase.answer) phase.answer = performance.now();
    });
  });
}

let clock = Date.UTC(2027, 0, 1);
const now = () => clock;

/**
 * A kit over `store` with USERS enrolled; returns the kit and each user's otpauth generator. Each
 * kit has a key of its own, as two sites would. (Until session 11 it had to: servers made with the
 * same key share the wasm's key ring, whose kept records were keyed by user id alone, so two kits
 * over the same user ids evicted each other's and opened every envelope again. They are now kept
 * per user and envelope, server/src/lib.rs `opened`.)
 */
async function enrolled(store, key) {
  const kit = createTotpServer({ issuer: 'Bench', store, encryptionKey: new Uint8Array(32).fill(key), now });
  const phones = [];
  for (let i = 0; i < USERS; i++) {
    const { secret } = await kit.beginEnrollment(`user-${i}`, { account: `user${i}@example.com` });
    const phone = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    const answer = await kit.confirmEnrollment(`user-${i}`, phone.generate({ timestamp: clock }));
    if (!answer.ok) throw new Error(`enrollment failed: ${JSON.stringify(answer)}`);
    phones.push(phone);
  }
  return { kit, phones };
}

/** Runs `op(i)` for every user, CONCURRENCY at a time; returns each call's latency in ms (and,
 * with --phases, each call's [before, pg, after] in ms when it sent a query). */
/** Postgres's CPU time so far (ms): the postmaster's and every process it started. */
function postgresCpuMs() {
  let ticks = 0;
  for (const pid of postgresPids()) {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {} // a backend that exited meanwhile
  }
  return ticks * 10;
}

async function pass(op) {
  if (!values.cpu) return await timedPass(op);
  const [node, postgres] = [process.cpuUsage(), postgresCpuMs()];
  const result = await timedPass(op);
  const used = process.cpuUsage(node);
  result.cpu = [(used.user + used.system) / USERS, ((postgresCpuMs() - postgres) * 1000) / USERS];
  return result;
}

async function timedPass(op) {
  const latencies = new Array(USERS);
  const phases = [];
  let next = 0;
  async function worker() {
    while (next < USERS) {
      const i = next++;
      const t = performance.now();
      if (values.phases) phase = {};
      await op(i);
      const end = performance.now();
      latencies[i] = end - t;
      if (phase?.answer) phases.push([phase.call - t, phase.answer - phase.sent, end - phase.answer + (phase.sent - phase.call)]);
      phase = null;
    }
  }
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, wall: performance.now() - start, phases };
}

const memory = await enrolled(memoryStore(), 7);
const postgres = await enrolled(postgresStore({ pool }), 8);

// The floor: the same number of rows, of the same size as the kit's envelopes, each updated by
// one compare-and-set statement per pass (its version tracked here, as a cache would).
const sample = (await pool.query('SELECT data FROM totpkit_authenticators LIMIT 1')).rows[0].data;
await pool.query('CREATE TABLE floor (user_id text PRIMARY KEY, version bigint NOT NULL, data text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())');
const versions = new Array(USERS).fill(1);
for (let i = 0; i < USERS; i++) await pool.query('INSERT INTO floor VALUES ($1, 1, $2)', [`user-${i}`, sample]);
const floorUpdate = async (i) => {
  const r = await pool.query('UPDATE floor SET data = $3, version = version + 1, updated_at = now() WHERE user_id = $1 AND version = $2', [`user-${i}`, versions[i], sample]);
  if (r.rowCount !== 1) throw new Error('floor CAS lost');
  versions[i] += 1;
};
// The read-then-write floor: what any store-backed verifier must do when it holds no copy of the
// row (SELECT the version and data, then the same UPDATE).
const floorReadWrite = async (i) => {
  const { rows } = await pool.query('SELECT version, data FROM floor WHERE user_id = $1', [`user-${i}`]);
  const r = await pool.query('UPDATE floor SET data = $3, version = version + 1, updated_at = now() WHERE user_id = $1 AND version = $2', [`user-${i}`, rows[0].version, sample]);
  if (r.rowCount !== 1) throw new Error('floor CAS lost');
  versions[i] = Number(rows[0].version) + 1;
};
// Each pass's codes are made before it starts, so the timings hold the kit's work only.
const codes = new Map();
const codesFor = (phones) => {
  if (codes.get(phones)?.clock !== clock) codes.set(phones, { clock, list: phones.map((p) => p.generate({ timestamp: clock })) });
  return codes.get(phones).list;
};
// The floor again, after a busy wait as long as the kit's own work (this round's time per
// verification with the memory store): what the kit costs beyond its CPU time, once the machine's scheduling is paid
// the same way (a backend and a client that wait between statements are woken up, not hot).
let kitWorkMs = 0;
const floorAfterWork = async (i) => {
  const until = performance.now() + kitWorkMs;
  while (performance.now() < until);
  await floorUpdate(i);
};
const verify = ({ kit, phones }) => async (i) => {
  const answer = await kit.verify(`user-${i}`, codesFor(phones)[i], { source: '203.0.113.9' });
  if (!answer.ok) throw new Error(`verify refused: ${JSON.stringify(answer)}`);
};

const contenders = [
  ['kit, memory store', verify(memory)],
  ['kit, Postgres', verify(postgres)],
  ['floor: pg CAS UPDATE', floorUpdate],
  ['floor: pg SELECT + CAS UPDATE', floorReadWrite],
  ['floor after the kit\'s CPU time', floorAfterWork],
];
const results = new Map(contenders.map(([name]) => [name, { rates: [], medians: [], p99s: [], phases: [[], [], []], cpu: [[], []] }]));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

// Three warm-up passes each (V8 optimizes the kit's hot path over the first thousand calls),
// then ROUNDS alternating rounds.
for (let round = -3; round < ROUNDS; round++) {
  clock += STEP;
  codesFor(memory.phones);
  codesFor(postgres.phones);
  for (const [name, op] of contenders) {
    const { latencies, wall, phases, cpu } = await pass(op);
    if (round < 0) continue;
    const sorted = latencies.sort((a, b) => a - b);
    // The memory store's pass is CPU-bound on one thread: its time per verification is the kit's work.
    if (name === 'kit, memory store') kitWorkMs = wall / USERS;
    const r = results.get(name);
    r.rates.push((USERS / wall) * 1000);
    r.medians.push(quantile(sorted, 0.5));
    r.p99s.push(quantile(sorted, 0.99));
    if (cpu) for (const k of [0, 1]) r.cpu[k].push(cpu[k]);
    if (phases.length) for (const k of [0, 1, 2]) r.phases[k].push(quantile(phases.map((p) => p[k]).sort((a, b) => a - b), 0.5));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = results.get('floor: pg CAS UPDATE');
const fmt = (ms) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
console.log(`\ntotpkit/server verify, ${USERS} users, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds, Postgres ${values['no-fsync'] ? 'with fsync and synchronous commit off' : 'durable (its defaults)'}${values.pin ? ', Postgres and Node each on a core of its own' : ''} (Node ${process.versions.node})\n`);
console.log('| contender | verifications/s | median latency | p99 latency | median vs floor | p99 vs floor |');
console.log('|---|---|---|---|---|---|');
for (const [name, r] of results) {
  const vs = (a, b) => `${((median(a) / median(b) - 1) * 100).toFixed(0)} %`;
  console.log(`| ${name} | ${median(r.rates).toFixed(0)} | ${fmt(median(r.medians))} | ${fmt(median(r.p99s))} | ${name.startsWith('kit, memory') ? '' : vs(r.medians, floor.medians)} | ${name.startsWith('kit, memory') ? '' : vs(r.p99s, floor.p99s)} |`);
}

if (values.phases) {
  console.log('\n| contender | before its query reaches pg | pg: written → first byte back | after (and pg\'s own handling) |');
  console.log('|---|---|---|---|');
  for (const [name, r] of results) {
    if (r.phases[0].length) console.log(`| ${name} | ${r.phases.map((p) => fmt(median(p))).join(' | ')} |`);
  }
}

if (values.cpu) {
  console.log('\n| contender | this process, CPU µs per verification | Postgres, CPU µs per verification |');
  console.log('|---|---|---|');
  for (const [name, r] of results) console.log(`| ${name} | ${median(r.cpu[0]).toFixed(0)} | ${median(r.cpu[1]).toFixed(0)} |`);
}

await pool.end();
cluster.stop();
