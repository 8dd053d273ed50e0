// One server process of the fleet tests (fleet.test.mjs): its own store (a pg pool on the shared
// cluster, or the shared SQLite file) and createTotpServer over the built package (pkg/), as a
// site's second instance would have. Commands arrive as JSON
// lines on stdin ({ id, method, args, at }: call totp[method](...args) at time `at`) and answers
// leave as JSON lines on stdout ({ id, result } or { id, error }). Several commands may be in
// flight at once, as requests are in a real server; commands with `barrier: [name, n]` start
// together once n of them have arrived, so a race is a race and not a matter of luck. `stats`
// reports how many compare-and-sets this process lost, so a test can show that it happened.
import { createInterface } from 'node:readline';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = process.env.TOTPKIT_PKG ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg');
const { createTotpServer } = await import(pathToFileURL(join(pkg, 'server-node.js')).href);
const { postgresStore } = await import(pathToFileURL(join(pkg, 'server-postgres.js')).href);
const { sqliteStore } = await import(pathToFileURL(join(pkg, 'server-sqlite.js')).href);

const { connectionString, sqlitePath, key } = JSON.parse(process.argv[2]);
const shared = connectionString ? postgresStore({ connectionString }) : sqliteStore({ path: sqlitePath });
let lost = 0;
const store = {
  get: (id) => shared.get(id),
  put: async (id, data, version) => (await shared.put(id, data, version)) || (lost++, false),
  delete: (id, version) => shared.delete(id, version),
};
let now = 0;
const totp = createTotpServer({ issuer: 'ACME Co', store, encryptionKey: key, now: () => now });

const send = (answer) => process.stdout.write(`${JSON.stringify(answer)}\n`);
const barriers = new Map();
/** Resolves when `count` commands have arrived at the barrier `name`. */
function arrive(name, count) {
  const waiters = barriers.get(name) ?? [];
  barriers.set(name, waiters);
  const arrived = new Promise((resolve) => waiters.push(resolve));
  if (waiters.length === count) {
    barriers.delete(name);
    for (const release of waiters) release();
  }
  return arrived;
}
const input = createInterface({ input: process.stdin });
const pending = new Set();
input.on('line', (line) => {
  const { id, method, args = [], at, barrier } = JSON.parse(line);
  const job = (async () => {
    try {
      if (barrier) await arrive(...barrier);
      if (method === 'stats') return send({ id, result: { lost, pid: process.pid } });
      now = at;
      send({ id, result: (await totp[method](...args)) ?? null });
    } catch (e) {
      send({ id, error: { name: e.name, code: e.code, message: e.message } });
    }
  })();
  pending.add(job);
  job.finally(() => pending.delete(job));
});
input.on('close', async () => {
  await Promise.all(pending);
  await shared.close();
});
