// Types of `totpkit/server/postgres`: the store a fleet shares, on PostgreSQL (the `pg` package).
import type { TotpStore } from './server.js';

/** The subset of pg's Pool this store uses (a pg.Pool, or a pool-like object of your own). */
export interface QueryablePool {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export interface PostgresStoreOptions {
  /** Your pool; it stays yours (`close()` leaves it open). */
  pool?: QueryablePool;
  /** Or a connection string: the store makes a pool of its own (needs `pg` installed). */
  connectionString?: string;
  /** The table, `name` or `schema.name` (default `totpkit_authenticators`), made if missing. */
  table?: string;
}

export interface PostgresStore extends TotpStore {
  /** Creates the table if it does not exist (also done on first use). */
  ensureSchema(): Promise<void>;
  /** Ends the pool made from `connectionString`. */
  close(): Promise<void>;
}

/** A store on one Postgres table; writes are a single-row compare-and-set. */
export function postgresStore(options: PostgresStoreOptions): PostgresStore;
