// totpkit's public types. The implementation is npm/totpkit.js (the typed front over the wasm
// core, npm/front.js, and the JS rules beside it); tests/consumers/ts checks every export with `tsc --strict`, in a DOM project and in a
// Node-only one (`--lib es2022 --types node`), so nothing here may name a DOM-only type.
/** Every error code; stable, part of the API. */
export type TotpkitErrorCode = "InvalidBase32" | "InvalidSecretLength" | "InvalidUri" | "UnsupportedOtpType"
    | "MissingSecret" | "InvalidLabel" | "UnsupportedAlgorithm" | "InvalidDigits"
    | "InvalidPeriod" | "InvalidCounter" | "InvalidTime" | "InvalidWindow" | "InvalidCode"
    | "QrTooLong" | "InvalidOptions" | "InvalidSample" | "InvalidDate" | "ClockCheckFailed"
    | "RandomUnavailable" | "InvalidRecord" | "NotInitialized";

/**
 * The error every totpkit function throws (and `checkClock` and `init` reject with):
 * `name` is "TotpkitError", `code` is stable. `NotInitialized`: a call before `init()` in a
 * browser build, or a `.wasm` that could not be loaded (the message names what was tried).
 */
export class TotpkitError extends Error {
  readonly name: "TotpkitError";
  readonly code: TotpkitErrorCode;
  constructor(code: TotpkitErrorCode, message: string);
}
export type OtpAlgorithm = "SHA1" | "SHA256" | "SHA512";
/** Code parameters; defaults SHA1, 6 digits, 30 s. Algorithm names are case-insensitive. */
export interface OtpOptions { algorithm?: OtpAlgorithm; digits?: number; period?: number; }
export interface HotpOptions { algorithm?: OtpAlgorithm; digits?: number; }
export interface VerifyOptions extends OtpOptions {
  /** Steps either side of now to accept: 0–10, default 1. */
  window?: number;
}
export interface VerifyResult {
  valid: boolean;
  /** Matched step minus current step (-1 previous code, +1 next), or null. */
  delta: number | null;
  /** The absolute matched step; store it and refuse later codes at or before it. */
  step: number | null;
}
export interface OtpauthInput extends OtpOptions {
  secret: string;
  account: string;
  issuer?: string;
  /** Default "totp"; "hotp" needs `counter`. */
  type?: "totp" | "hotp";
  counter?: number;
}
export interface ParsedOtpauth {
  type: "totp" | "hotp";
  /** Canonical base32: uppercase, unpadded. */
  secret: string;
  account: string;
  issuer?: string;
  algorithm: OtpAlgorithm;
  digits: number;
  period: number;
  counter?: number;
}

/** A new secret from the platform CSPRNG, as unpadded uppercase base32. 16–64 bytes, default 20. */
export function generateSecret(byteLength?: number): string;
/** A base32 secret for typing by hand: validated, uppercase, groups of four ("JBSW Y3DP EHPK 3PXP"). */
export function formatSecret(secret: string): string;
/** Builds an otpauth:// URI: label "Issuer:account", issuer repeated as a parameter, spaces as %20. */
export function buildOtpauthUri(p: OtpauthInput): string;
/** Parses an otpauth:// URI leniently; the issuer parameter wins over the label prefix. */
export function parseOtpauthUri(uri: string): ParsedOtpauth;
/** The TOTP code at unixMs (milliseconds since the epoch, e.g. Date.now()). */
export function totpCode(secret: string, unixMs: number, opts?: OtpOptions): string;
/** The HOTP code for a counter from 0 to 2^53 - 1. */
export function hotpCode(secret: string, counter: number, opts?: HotpOptions): string;
/**
 * Verifies a typed code at unixMs over ±window steps (default 1), comparing in constant time.
 * Spaces and hyphens are ignored; a code that is not `digits` digits throws InvalidCode.
 */
export function verifyTotp(secret: string, code: string, unixMs: number, opts?: VerifyOptions): VerifyResult;
/**
 * A typed or pasted code as plain ASCII digits, by the same rule `verifyTotp` applies: spaces,
 * no-break spaces, hyphens and dashes are dropped, and every script's decimal digits (Unicode
 * category Nd: full-width "１２３４５６", Arabic-Indic "١٢٣٤٥٦", Persian "۱۲۳۴۵۶", Devanagari
 * "१२३४५६", Bengali, Thai, …, mixed too) become ASCII. With `digits` it must have that many (6–8); without, any 6–8. Anything else throws
 * InvalidCode (a `digits` outside 6–8: InvalidDigits).
 */
export function normalizeCode(code: string, digits?: number): string;

export type QrEcc = "L" | "M" | "Q" | "H";
export interface QrSvgOptions {
  /** Error-correction level, default "M". */
  ecc?: QrEcc;
  /** Light margin in modules, 0–64, default 4 (what scanners need). */
  quietZone?: number;
  /** "#rgb", "#rrggbb" or one of a few named colours; default "#000". */
  dark?: string;
  /** Same forms as `dark`; default "#fff". */
  light?: string;
  /** Accessible name: adds role="img", aria-label and <title> (XML-escaped). */
  title?: string;
}
export interface QrMatrixResult {
  /** Modules per side, without quiet zone. */
  size: number;
  /** size*size bytes, row-major, 1 = dark. */
  modules: Uint8Array;
}
export interface EnrollmentInput extends OtpOptions {
  /** An existing base32 secret; generated when absent. */
  secret?: string;
  /** Bytes of a generated secret, 16–64, default 20. */
  secretBytes?: number;
  account: string;
  issuer?: string;
}
export interface Enrollment {
  secret: string;
  uri: string;
  svg: string;
  /** The secret in groups of four, for "Trouble scanning?". */
  manualKey: string;
  /** "QR code to add ACME Co (alice@example.com) to an authenticator app"; never the secret. */
  altText: string;
  params: { algorithm: OtpAlgorithm; digits: number; period: number };
}

/** Draws text as a standalone, CSS-scalable <svg> QR code (one compact path, crisp edges). */
export function renderQrSvg(text: string, opts?: QrSvgOptions): string;
/** The QR module matrix, for custom rendering. */
export function qrMatrix(text: string, opts?: { ecc?: QrEcc }): QrMatrixResult;
/** Everything an enrollment screen shows, in one call. */
export function enrollment(p: EnrollmentInput, svgOpts?: QrSvgOptions): Enrollment;

export interface ClockSample {
  /** Local wall clock (Date.now()) when the request was sent. */
  sentMs: number;
  /** sentMs plus the performance.now() interval until the answer arrived. */
  receivedMs: number;
  /** The server's time for the request. */
  serverMs: number;
  /** 1 for a millisecond endpoint (default), 1000 for an HTTP Date header. */
  resolutionMs?: number;
}
export interface ClockThresholds {
  /** |offset| - error at or below this is "ok"; default 2000. */
  okMs?: number;
  /** ... "minor"; default 15000. */
  minorMs?: number;
  /** ... "warn"; default 30000; beyond it "critical". */
  warnMs?: number;
  /** Above this error the status is "unknown"; default 5000. */
  maxErrorMs?: number;
}
export type ClockStatus = "ok" | "minor" | "warn" | "critical" | "unknown";
export interface ClockEstimate {
  /** Server minus local time; positive: the local clock is behind. Add it to Date.now(). */
  offsetMs: number;
  /** The true offset lies within offsetMs ± errorMs (rtt/2 + resolution/2). */
  errorMs: number;
  rttMs: number;
  /** The sample used: the one with the smallest round trip. */
  sampleIndex: number;
  status: ClockStatus;
}
export interface CheckClockOptions extends ClockThresholds {
  /** Sequential requests, 1–20, default 5. */
  samples?: number;
  /** Per-request timeout, 1–60000 ms, default 5000. */
  timeoutMs?: number;
}
export interface CodePreview {
  code: string;
  nextCode: string;
  step: number;
  /** Whole seconds until the next code, rounded up (1…period). */
  secondsRemaining: number;
  /** Milliseconds until the next code (1…period*1000). */
  msRemaining: number;
  period: number;
}
export interface PreviewOptions extends OtpOptions {
  /** From checkClock: shifts the local clock to server time (±1 day at most). */
  offsetMs?: number;
}
export interface DiagnoseOptions extends OtpOptions {
  /** Steps either side to search, 0–100000, default 10 (±5 min at 30 s). */
  maxSteps?: number;
}
export interface Diagnosis {
  kind: "current" | "adjacent" | "drift" | "wrongSettings" | "none" | "ambiguous";
  /** Matched step minus current step, for current/adjacent/drift. */
  stepDelta: number | null;
  /** stepDelta * period: the authenticator's clock offset; positive = the phone is ahead. */
  offsetSeconds: number | null;
  /** For wrongSettings: the enrolled setting the app ignored (it used SHA1 / 6 / 30). */
  suspect?: "algorithm" | "digits" | "period";
}

/** Clock offset from timed samples (Cristian's method, minimum-round-trip sample). */
export function estimateClockOffset(samples: ClockSample[], opts?: ClockThresholds): ClockEstimate;
/** An HTTP date (IMF-fixdate, RFC 850 or asctime) as Unix milliseconds. */
export function parseHttpDate(value: string): number;
/**
 * Measures this browser's clock against the server: `samples` sequential same-origin requests
 * to `url` (JSON { now: ms } or, failing that, the Date header). Rejects with ClockCheckFailed
 * when no request gave a usable answer.
 */
export function checkClock(url: string, opts?: CheckClockOptions): Promise<ClockEstimate & { samples: number }>;
/** What the authenticator should show now (server-corrected with offsetMs) and for how long. */
export function codePreview(secret: string, unixMs: number, opts?: PreviewOptions): CodePreview;
/**
 * Why a typed code failed: the phone's clock (drift), an ignored setting, or nothing.
 * It diagnoses; it never accepts. Servers must not use it to widen their window.
 */
export function diagnoseCode(secret: string, code: string, unixMs: number, opts?: DiagnoseOptions): Diagnosis;

/** What `init` accepts: a URL or path to `totpkit_bg.wasm` (the whole module), its bytes, a fetch
 * `Response` (or a promise of one), or a compiled `WebAssembly.Module`. */
export type InitInput = string | URL | ArrayBuffer | ArrayBufferView | PromiseLike<unknown> | object;

/**
 * Loads the wasm. In a browser or bundler, call it once before the functions that run in it;
 * without an argument it fetches, next to the module, what the page's imports need: the codes
 * module (`totpkit_codes_bg.wasm`), or the whole one (`totpkit_bg.wasm`) when the page imports
 * `parseOtpauthUri`, `hotpCode`, `codePreview` or `diagnoseCode` (one of those imported after
 * `init()` ran asks for `init()` again). With an argument it loads the whole module from it. In
 * Node, Deno, Bun and Workers the package is ready on import and this resolves at once. Rejects
 * with `TotpkitError` (`NotInitialized`) naming the URL or path it tried.
 */
export default function init(input?: InitInput | { module_or_path?: InitInput }): Promise<void>;
/**
 * Loads the wasm synchronously from its bytes or a compiled `WebAssembly.Module`. `random`, if
 * given, is the CSPRNG that fills new secrets' bytes (default `crypto.getRandomValues`); it must
 * be cryptographically secure.
 */
export function initSync(
  input: { module: ArrayBuffer | ArrayBufferView | object; random?: (bytes: Uint8Array) => unknown } | ArrayBuffer | ArrayBufferView,
): void;
