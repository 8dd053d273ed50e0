// The person's phone: an authenticator app built on the `otpauth` npm package, an
// implementation independent of totpkit, so a test never checks totpkit against itself.
//
// The server verifies with its real clock and a window of one step either side, and refuses
// any step at or before the last one it accepted. The phone remembers the steps it handed out,
// so "wait for the next code" is the code of the next step (accepted one step early), without
// sleeping for 30 s.
import * as OTPAuth from 'otpauth';

/** Waits, if needed, until at least `ms` remain in the current step of `period` seconds at
 * `now` (a code made relative to now must be read in the same step by whoever diagnoses it). */
export async function awayFromStepEdge(ms = 4000, period = 30, now = Date.now()) {
  const left = period * 1000 - (now % (period * 1000));
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

export class Phone {
  /** `key` is the base32 secret as read from the QR code or typed from the manual key. */
  constructor(key, { algorithm = 'SHA1', digits = 6, period = 30, clockOffsetMs = 0 } = {}) {
    this.totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key.replace(/\s+/g, '')), algorithm, digits, period });
    this.period = period;
    this.clockOffsetMs = clockOffsetMs;
    this.lastStep = -1;
  }

  /** From an otpauth:// URI, e.g. the QR code's text. */
  static fromUri(uri) {
    const parsed = OTPAuth.URI.parse(uri);
    const phone = new Phone(parsed.secret.base32, { algorithm: parsed.algorithm, digits: parsed.digits, period: parsed.period });
    phone.uri = parsed;
    return phone;
  }

  now() {
    return Date.now() + this.clockOffsetMs;
  }

  step(ms = this.now()) {
    return Math.floor(ms / 1000 / this.period);
  }

  codeAtStep(step) {
    return this.totp.generate({ timestamp: step * this.period * 1000 });
  }

  /** The code the app shows now, shifted by `steps` (−3: a phone 1.5 minutes behind). */
  code(steps = 0) {
    return this.codeAtStep(this.step() + steps);
  }

  /**
   * A code the server has not seen: the current step, or the one after the last code used
   * (still inside the server's window); waits for the clock only when even that is too early.
   */
  async freshCode() {
    let step = Math.max(this.step(), this.lastStep + 1);
    while (step > this.step() + 1) {
      await new Promise((r) => setTimeout(r, 1000));
      step = Math.max(this.step(), this.lastStep + 1);
    }
    this.lastStep = step;
    return this.codeAtStep(step);
  }

  /** Waits, if needed, until at least `ms` remain in the current step (so a step-relative
   * code computed now is still read as the same step by the page and the server). */
  async awayFromStepEdge(ms = 4000) {
    await awayFromStepEdge(ms, this.period, this.now());
  }

  /** A six-digit code that is valid nowhere near now (so the server refuses it). */
  wrongCode() {
    const near = new Set();
    for (let d = -12; d <= 12; d++) near.add(this.code(d));
    for (let n = 0; ; n++) {
      const candidate = String((123457 + n * 7919) % 1_000_000).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }
}
