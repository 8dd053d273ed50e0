// Types of totpkit/elements (npm/elements.js): custom elements for the enrollment UI. A DOM
// module: importing it registers <totp-enrollment>, <totp-code-field> and <totp-clock-check>.
import type { ClockEstimate, ParsedOtpauth } from './totpkit.js';

/** Every sentence the elements show, in one language. Assign a partial map to an element's
 * `strings` to change some; import `totpkit/elements/locales/<tag>` for a whole language. */
export interface TotpStrings {
  /** The direction of the language's script; the element takes it (its `dir`). */
  dir: "ltr" | "rtl";
  qrLabel(issuer: string | undefined, account: string): string;
  issuer: string;
  account: string;
  openApp: string;
  trouble: string;
  manual: string;
  copyKey: string;
  copied: string;
  copyBlocked: string;
  type: string;
  totp: string;
  algorithm: string;
  digits: string;
  interval: string;
  seconds(n: number): string;
  unusual(algorithm: string, digits: number, period: number): string;
  code: string;
  verify: string;
  enterCode(digits: number): string;
  accepted: string;
  /** `duration` comes from `duration()`; `ahead` false means behind. */
  phoneClock(duration: string, ahead: boolean): string;
  /** The setting an app ignored (diagnoseCode's `suspect`) and this account's value for it. */
  ignored(setting: "algorithm" | "digits" | "period", value: string | number): string;
  wrongCode(name: string): string;
  wrongLoginCode: string;
  /** A server kit's refusals: a code used before; a resync (`duration` from `duration()`,
   * `ahead` false means behind: the next code finishes); the lock; a step no longer open. */
  replayed: string;
  resync(duration: string, ahead: boolean): string;
  locked: string;
  expired: string;
  attemptsLeft(n: number): string;
  retryAfter(seconds: number): string;
  fixPhone: string;
  preview: string;
  previewNow(name: string): string;
  previewNext(seconds: number): string;
  clockOff(duration: string, ahead: boolean): string;
  clockWhy: string;
  clockRight: string;
  otherSystems: string;
  recheck: string;
  on(system: string): string;
  /** n seconds, minutes or hours in words (Intl.NumberFormat's units, or the grammatical case
   * the language's sentences need). */
  duration(n: number, unit: "second" | "minute" | "hour"): string;
  /** [system name, how to fix its clock] for windows, macos, linux, android, ios. */
  systems: Record<"windows" | "macos" | "linux" | "android" | "ios", [string, string]>;
}

/** The English defaults. */
export const strings: TotpStrings;

/** Forms of a sentence per plural category (Intl.PluralRules); `#` stands for the number. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
/** `forms` for n's plural category, `#` replaced by n as Intl.NumberFormat writes it. */
export type Plural = (n: number, forms: PluralForms) => string;
/** n with a unit in words ("90 seconds"): Intl.NumberFormat, style unit, long. */
export type Unit = (n: number, unit: "second" | "minute" | "hour") => string;
/** Items said as a list in the language (Intl.ListFormat; default "a, b and c"). */
export type List = (items: string[], options?: Intl.ListFormatOptions) => string;

/** Registers a language: `make` gets Intl helpers for `tag` and returns every sentence. The
 * locale modules (`totpkit/elements/locales/<tag>`) call it on import; a host may register a
 * language of its own the same way. Elements whose `lang` (or an ancestor's, or the document's)
 * is `tag`, or falls back to it by prefix, speak it at once. Returns the map. */
export function locale(tag: string, make: (plural: Plural, unit: Unit, list: List) => TotpStrings): TotpStrings;

/** An offset in words as the elements say it ("40 seconds", "1.5 minutes", "2 hours"), with
 * `strings.duration` (default: the English `strings`; pass an element's `strings` for its
 * language): for a host's sentence beside theirs. */
export function duration(ms: number, strings?: TotpStrings): string;

/** Why a server kit (`totpkit/server`) refused a code: its refusal's `reason`. */
export type RefusalReason =
  | "malformed" | "invalid" | "replayed" | "resync" | "throttled" | "locked"
  | "expired" | "not_enrolled" | "no_pending" | "already_enrolled";

/** What the host passes to `rejectCode`: a server kit's refusal as is (`{ ok: false, reason,
 * retryAfterMs?, attemptsLeft?, offsetSeconds? }`), or its own server's answer in these fields. */
export interface RejectInfo {
  ok?: false;
  /** Worded by the element: `invalid` (or none) is diagnosed from the code when the key is
   * known; `replayed`, `resync` (with `offsetSeconds`), `locked`, `malformed` have their own
   * sentences; `expired`, `no_pending` and `not_enrolled` say the step expired; `already_enrolled`
   * says the code was accepted; `throttled` says the wait (`retryAfterMs`). */
  reason?: RefusalReason;
  attemptsLeft?: number;
  /** Milliseconds to wait: said in seconds, and Verify stays disabled until then. */
  retryAfterMs?: number;
  /** Seconds to wait (the same, for a host's own server): used when `retryAfterMs` is absent. */
  retryAfter?: number;
  /** With `resync`: the phone's clock offset the server measured, positive when it is ahead. */
  offsetSeconds?: number;
  /** The host's own sentence (from what its server knows): replaces the element's, unless a
   * wait is given; `attemptsLeft` is still added after it. */
  message?: string;
}
export interface TotpCodeDetail {
  /** Plain ASCII digits, normalized by the core ("１２３ ４５６" → "123456"). */
  code: string;
}

declare class CodeElementBase extends HTMLElement {
  get strings(): TotpStrings;
  set strings(value: Partial<TotpStrings>);
  /** The server refused the last code: shows why in the role="alert" region. */
  rejectCode(info?: RejectInfo): void;
  /** The server accepted it. */
  acceptCode(): void;
  /** Milliseconds to add to Date.now() for the server's time; default: the last <totp-clock-check>'s. */
  offsetMs?: number;
}

/** `<totp-enrollment uri="otpauth://…" [preview] [heading-level]>`. Dispatches `totp-code`. */
export class TotpEnrollment extends CodeElementBase {
  /** The parsed `uri` once rendered (null after acceptCode). */
  readonly parsed: ParsedOtpauth | null;
}

/** `<totp-code-field [name] [digits] [uri]>`: form-associated; its value is the normalized code. */
export class TotpCodeField extends CodeElementBase {
  static readonly formAssociated: true;
  /** An otpauth URI (or set the `uri` attribute): rejectCode then diagnoses the code. */
  uri?: string;
  readonly form: HTMLFormElement | null;
  readonly name: string | null;
  readonly value: string;
}

/** `<totp-clock-check endpoint="/api/time">`. Dispatches `totp-clock`. */
export class TotpClockCheck extends HTMLElement {
  get strings(): TotpStrings;
  set strings(value: Partial<TotpStrings>);
  /** The last measurement, or null when the check failed. */
  readonly estimate: (ClockEstimate & { samples: number }) | null | undefined;
  /** Checks again now. */
  check(): Promise<(ClockEstimate & { samples: number }) | null>;
}

declare global {
  interface HTMLElementTagNameMap {
    "totp-enrollment": TotpEnrollment;
    "totp-code-field": TotpCodeField;
    "totp-clock-check": TotpClockCheck;
  }
  interface HTMLElementEventMap {
    "totp-code": CustomEvent<TotpCodeDetail>;
    "totp-clock": CustomEvent<(ClockEstimate & { samples: number }) | null>;
  }
}
