// totpkit/server/postgres: the store a fleet shares, on PostgreSQL through the `pg` package.
//
// One table, one row per user: `(user_id text primary key, version bigint, data text,
// updated_at timestamptz)`. The compare-and-set is a single statement whose row count tells who
// won: `UPDATE … WHERE user_id = $1 AND version = $2` (under READ COMMITTED a concurrent update
// of the same row makes Postgres re-check the WHERE against the committed row, so exactly one
// writer of a version wins), `INSERT … ON CONFLICT DO NOTHING` for a new row, and
// `DELETE … WHERE version = $2`. No transaction is held across the policy call, so a slow
// request never blocks another: it loses the race and the kit decides again.
import { TotpkitError } from './error.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/;

/**
 * A store on Postgres. Pass your `pool` (a pg.Pool, or anything with pg's `query`), or a
 * `connectionString` to get a pool of its own (`close()` ends it). The table is created if it
 * does not exist, on first use or by `ensureSchema()`.
 */
export function postgresStore(options = {}) {
  if (options === null || typeof options !== 'object') invalid('postgresStore takes an options object');
  const { pool: given, connectionString, table = 'totpkit_authenticators' } = options;
  if (given != null && typeof given.query !== 'function') invalid('`pool` must be a pg Pool (or have its query method)');
  if (given == null && typeof connectionString !== 'string') invalid('postgresStore needs a `pool` or a `connectionString`');
  if (typeof table !== 'string' || !IDENTIFIER.test(table)) invalid('`table` must be a plain SQL name, or schema.name');
  // Quoted, so the name is exactly what was given (case included) and never SQL.
  const name = table
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');

  let pool = given;
  let owned = null;
  let schema = null;

  async function db() {
    if (!pool) {
      // pg is an optional peer dependency: loaded only by those who ask for a pool from a URL.
      owned ??= import('pg').then(({ default: pg }) => new pg.Pool({ connectionString }));
      pool = await owned;
    }
    return pool;
  }

  async function ensureSchema() {
    schema ??= (async () => {
      const p = await db();
      try {
        await p.query(
          `CREATE TABLE IF NOT EXISTS ${name} (
             user_id text PRIMARY KEY,
             version bigint NOT NULL,
             data text NOT NULL,
             updated_at timestamptz NOT NULL DEFAULT now()
           )`,
        );
      } catch (e) {
        // Two processes creating the table at once: IF NOT EXISTS does not cover the race on
        // the catalog (unique_violation on pg_type, or duplicate_table); the other one made it.
        if (e.code !== '23505' && e.code !== '42P07') throw e;
      }
    })();
    try {
      await schema;
    } catch (e) {
      schema = null; // a failed attempt (the server was down) is tried again next time
      throw e;
    }
  }

  // Once the pool and the table are there, a query goes out in the same tick as the call (two
  // awaits less on every verification's way to the database).
  let ready = null;
  function query(sql, params) {
    return ready ? ready.query(sql, params) : firstQuery(sql, params);
  }
  async function firstQuery(sql, params) {
    await ensureSchema();
    ready = await db();
    return ready.query(sql, params);
  }

  return {
    async get(userId) {
      const { rows } = await query(`SELECT version, data FROM ${name} WHERE user_id = $1`, [userId]);
      // bigint arrives as a string from pg; versions stay far below 2^53.
      return rows.length ? { version: Number(rows[0].version), data: rows[0].data } : null;
    },
    async put(userId, data, expectedVersion) {
      const { rowCount } =
        expectedVersion === 0
          ? await query(`INSERT INTO ${name} (user_id, version, data) VALUES ($1, 1, $2) ON CONFLICT (user_id) DO NOTHING`, [
              userId,
              data,
            ])
          : await query(
              `UPDATE ${name} SET version = version + 1, data = $2, updated_at = now() WHERE user_id = $1 AND version = $3`,
              [userId, data, expectedVersion],
            );
      return rowCount === 1;
    },
    async delete(userId, expectedVersion) {
      const { rowCount } = await query(`DELETE FROM ${name} WHERE user_id = $1 AND version = $2`, [userId, expectedVersion]);
      return rowCount === 1;
    },
    ensureSchema,
    /** Ends the pool this store made from `connectionString`; a pool you passed stays yours. */
    async close() {
      if (owned) await (await owned).end();
      owned = null;
      pool = given;
      ready = null;
    },
  };
}

function invalid(message) {
  throw new TotpkitError('InvalidOptions', message);
}
