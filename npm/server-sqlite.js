// totpkit/server/sqlite: the embedded store, for development, the demo and single-machine sites.
//
// SQLite needs no server to run and keeps its file across restarts. The driver is the runtime's
// own when it has one: `bun:sqlite` on Bun, `node:sqlite` on Deno and on Node from 22.5 (22.13
// without a flag). Those need no install and no native build, which on a server without a
// compiler is what fails. Elsewhere (Node 20) it is `better-sqlite3`, the well-kept synchronous
// binding, an optional peer dependency. The three share what this file uses:
// `prepare(sql).get/run(...params)` with `run` reporting `changes`, and `exec`.
//
// Each statement is synchronous, so within one process a compare-and-set cannot interleave; WAL
// and a busy timeout let several processes share one file, where SQLite's write lock and the
// `WHERE version = ?` make the compare-and-set.
import { TotpkitError } from './error.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A store in the SQLite file at `path` (`':memory:'` for a throwaway one), table `table`. */
export function sqliteStore(options = {}) {
  if (options === null || typeof options !== 'object') invalid('sqliteStore takes an options object');
  const { path, table = 'totpkit_authenticators' } = options;
  if (typeof path !== 'string' || path.length === 0) invalid('sqliteStore needs a `path` (a file, or ":memory:")');
  if (typeof table !== 'string' || !IDENTIFIER.test(table)) invalid('`table` must be a plain SQL name (letters, digits, _)');

  let ready = null;
  async function statements() {
    ready ??= open(path, `"${table}"`);
    try {
      return await ready;
    } catch (e) {
      ready = null;
      throw e;
    }
  }

  return {
    async get(userId) {
      const row = (await statements()).get.get(userId);
      return row ? { version: Number(row.version), data: row.data } : null;
    },
    async put(userId, data, expectedVersion) {
      const s = await statements();
      const { changes } = expectedVersion === 0 ? s.insert.run(userId, data) : s.update.run(data, userId, expectedVersion);
      return Number(changes) === 1;
    },
    async delete(userId, expectedVersion) {
      const { changes } = (await statements()).delete.run(userId, expectedVersion);
      return Number(changes) === 1;
    },
    /** Closes the database file. */
    async close() {
      if (!ready) return;
      const s = await ready.catch(() => null);
      ready = null;
      s?.db.close();
    },
  };
}

async function open(path, table) {
  const db = await connect(path);
  db.exec('PRAGMA busy_timeout = 5000');
  // Two processes opening a new file at once (a fleet's first start): switching it to WAL takes
  // a lock that SQLite may refuse at once, without the busy timeout, to the one that loses the
  // race ("database is locked"; the two-process suite, tests/server-kit/fleet.test.mjs, failed
  // so in 2 of 10 runs before this loop, 0 of 12 after). That one tries again shortly.
  for (let tries = 1; ; tries++) {
    try {
      if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
      db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
        user_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
      )`);
      break;
    } catch (e) {
      if (tries >= 50 || !/locked|busy/i.test(String(e?.message))) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return {
    db,
    get: db.prepare(`SELECT version, data FROM ${table} WHERE user_id = ?`),
    insert: db.prepare(`INSERT INTO ${table} (user_id, version, data) VALUES (?, 1, ?) ON CONFLICT (user_id) DO NOTHING`),
    update: db.prepare(
      `UPDATE ${table} SET version = version + 1, data = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_id = ? AND version = ?`,
    ),
    delete: db.prepare(`DELETE FROM ${table} WHERE user_id = ? AND version = ?`),
  };
}

// The specifiers are variables, and marked, so that a bundler (a Next.js route handler, wrangler)
// leaves them to the runtime instead of failing to resolve `bun:sqlite` or a driver not installed.
const load = (specifier) => import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);

async function connect(path) {
  if (globalThis.Bun) {
    const { Database } = await load('bun:sqlite');
    return new Database(path, { create: true });
  }
  try {
    const { DatabaseSync } = await load('node:sqlite');
    return new DatabaseSync(path);
  } catch {
    // Node before 22.5 (or 22.5–22.12 without --experimental-sqlite): the package, below.
  }
  let Database;
  try {
    ({ default: Database } = await load('better-sqlite3'));
  } catch (cause) {
    throw new Error('sqliteStore needs better-sqlite3 on this runtime (npm install better-sqlite3), or Node 22.5+, Deno or Bun', {
      cause,
    });
  }
  return new Database(path);
}

function invalid(message) {
  throw new TotpkitError('InvalidOptions', message);
}
