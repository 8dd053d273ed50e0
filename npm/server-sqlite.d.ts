// Types of `totpkit/server/sqlite`: the embedded store (node:sqlite, bun:sqlite or better-sqlite3).
import type { TotpStore } from './server.js';

export interface SqliteStoreOptions {
  /** The database file (made if missing), or `':memory:'`. */
  path: string;
  /** The table (default `totpkit_authenticators`), made if missing. */
  table?: string;
}

export interface SqliteStore extends TotpStore {
  /** Closes the database file. */
  close(): Promise<void>;
}

/** A store in a SQLite file, through the runtime's own driver where there is one. */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore;
