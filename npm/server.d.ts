// Types of `totpkit/server`: the server half of TOTP two-factor authentication (Node, Deno, Bun,
// Cloudflare Workers). Written to check under `tsc --strict` with DOM types or with Node's only.

/** Why a code or a request was refused; a host forwards the refusal as is (`rejectCode()`). */
export type RefusalReason =
  | 'malformed'
  | 'invalid'
  | 'replayed'
  | 'resync'
  | 'throttled'
  | 'locked'
  | 'expired'
  | 'not_enrolled'
  | 'no_pending'
  | 'already_enrolled';

/**
 * A refusal. `malformed`: not a code at all (not counted as a guess). `invalid`: a wrong code,
 * counted, with `attemptsLeft` before the lock and `retryAfterMs` when it imposes a wait.
 * `replayed`: a code (or recovery code) already used; not counted. `resync`: the code matched
 * the phone's clock `offsetSeconds` away (positive: the phone is ahead) and is not accepted:
 * ask for the next code, which then is, and the drift is remembered. `throttled`: too soon after
 * failures, try again in `retryAfterMs`. `locked`: 100 consecutive failures; only a recovery
 * code gets in. `expired`: the pending enrollment's 10 minutes ran out. `not_enrolled`: no
 * active authenticator. `no_pending`: nothing to confirm. `already_enrolled`: disable first.
 */
export interface Refusal {
  ok: false;
  reason: RefusalReason;
  retryAfterMs?: number;
  attemptsLeft?: number;
  offsetSeconds?: number;
}

export interface Enrollment {
  /** The otpauth:// URI for the QR code (`<totp-enrollment>` or `enrollment({ secret })`). */
  uri: string;
  /** The secret in base32, for the key to type. */
  secret: string;
  /** Unix ms after which the enrollment can no longer be confirmed. */
  expiresAt: number;
  /** True when this is the pending enrollment begun earlier (same secret): a reload resumes it. */
  resumed: boolean;
}

export interface Verified {
  ok: true;
  /** The matched time step (it and every earlier one are now used). */
  step: number;
  /** The phone's remembered clock drift in steps (negative: behind). */
  driftSteps: number;
}

export interface Status {
  enrolled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
  driftSteps: number;
  locked: boolean;
}

export interface CodeOptions {
  /** The caller's identity for per-source delays: an IP address or a device id. */
  source?: string;
}

export interface TotpServer {
  /**
   * Starts an enrollment, or resumes the pending one (same secret) within its 10 minutes.
   * `account` (default: the user id) is shown in the app beside the issuer; at most 256
   * characters, like the user id and the issuer.
   */
  beginEnrollment(userId: string, options?: { account?: string }): Promise<(Enrollment & { ok: true }) | Refusal>;
  /** Confirms the pending enrollment with its first code; the recovery codes are shown once. */
  confirmEnrollment(
    userId: string,
    code: string,
    options?: CodeOptions,
  ): Promise<{ ok: true; recoveryCodes: string[] } | Refusal>;
  /** Checks a login code: single use, drift memory, delays and the lock. */
  verify(userId: string, code: string, options?: CodeOptions): Promise<Verified | Refusal>;
  /** Uses a recovery code (`xxxxx-xxxxx`) once; it also clears the failure count. */
  useRecoveryCode(
    userId: string,
    code: string,
    options?: CodeOptions,
  ): Promise<{ ok: true; recoveryCodesLeft: number } | Refusal>;
  /** A new set of 10 recovery codes; the old set stops working. Throws NotEnrolled. */
  regenerateRecoveryCodes(userId: string): Promise<string[]>;
  /** What is stored for the user; an unknown user is all false and zero. */
  status(userId: string): Promise<Status>;
  /** Removes the user's authenticator (and a pending enrollment); a no-op for an unknown user. */
  disable(userId: string): Promise<void>;
  /** `{ "now": <unix ms> }` with a Date header and no caching, for the browser's `checkClock`. */
  timeHandler(request?: Request): Response;
}

/** 32 bytes, or their base64 (standard or URL-safe, padded or not). */
export type EncryptionKey = Uint8Array | string;

export interface TotpServerOptions {
  /** Shown in the authenticator app beside the account. */
  issuer: string;
  /** Where records live: memoryStore(), postgresStore(), sqliteStore() or your own. */
  store: TotpStore;
  /** The key records are written with (XChaCha20-Poly1305, under a key derived from it). Keep it out of the database. */
  encryptionKey: EncryptionKey;
  /**
   * Keys records may still be under, read-only: after a rotation, a record under one of them is
   * rewritten under `encryptionKey` on its next write. At most 16.
   */
  previousKeys?: EncryptionKey[];
  /** The clock, in unix ms (default `Date.now`); tests pass their own. */
  now?: () => number;
}

/**
 * The storage adapter. A record is an opaque string (already encrypted) with a version that
 * every successful write increments; writes are compare-and-set on it, which is what keeps the
 * single-use rule and the counters right when several processes share the store.
 */
export interface TotpStore {
  /** The user's row, or null. */
  get(userId: string): Promise<{ version: number; data: string } | null>;
  /**
   * Stores `data` if the stored version equals `expectedVersion` (0: only if there is no row),
   * making the version `expectedVersion + 1`. Resolves false when another write got there first.
   */
  put(userId: string, data: string, expectedVersion: number): Promise<boolean>;
  /**
   * Deletes the row if its version equals `expectedVersion`; false when it did not. Optional:
   * the kit never deletes (disabling stores an empty record, so versions never restart and a
   * slow request cannot write an old authenticator back); the shipped stores have it for a
   * host that erases an account.
   */
  delete?(userId: string, expectedVersion: number): Promise<boolean>;
}

export function createTotpServer(options: TotpServerOptions): TotpServer;

/** A store in this process's memory, for tests and development: a restart forgets it. */
export function memoryStore(): TotpStore;

/**
 * The codes a server-kit TotpkitError carries:
 * - `InvalidOptions`: createTotpServer's (or a store's) options are wrong, or `now()` returned
 *   no time.
 * - `InvalidUser`: the user id is not a non-empty string of at most 256 characters.
 * - `InvalidArgument`: a code that is not a string, an `account` that is not a non-empty string
 *   of at most 256 characters, a `source` that is not a string of at most 65 536, an unknown
 *   per-call option.
 * - `UnknownUser`: nothing is stored for the user (confirm, verify, recovery, regenerate).
 * - `InvalidRecord`: the stored record is corrupt, not a totpkit envelope, altered, or copied
 *   from another user's row (it authenticates only for its own user).
 * - `WrongEncryptionKey`: the record was written with a key that is neither `encryptionKey`
 *   nor one of `previousKeys`.
 * - `NotEnrolled`: regenerateRecoveryCodes without an active authenticator.
 * - `StoreConflict`: the record changed under 20 compare-and-set tries in a row.
 * - `StoreUnavailable`: the store threw (its error is `cause`) or answered out of contract.
 *
 * None of them changes what is stored.
 */
export type ServerErrorCode =
  | 'InvalidOptions'
  | 'InvalidUser'
  | 'InvalidArgument'
  | 'UnknownUser'
  | 'InvalidRecord'
  | 'WrongEncryptionKey'
  | 'NotEnrolled'
  | 'StoreConflict'
  | 'StoreUnavailable';

/** Every ServerErrorCode, frozen. */
export const ERROR_CODES: readonly ServerErrorCode[];

/**
 * What the kit throws for bad input and broken storage (refusals are results, not errors).
 * `instanceof` holds across copies of the package, and for errors of the browser entry too.
 */
export class TotpkitError extends Error {
  readonly name: 'TotpkitError';
  readonly code: ServerErrorCode;
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown });
}
