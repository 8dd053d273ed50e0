// The elements' types (totpkit/elements) as a DOM project uses them, checked with
// `tsc --noEmit --strict` by tests/e2e/consumers.spec.mjs (tsconfig.json). The lines marked as
// expected errors prove the types are precise: each must be an error, or tsc fails.
import { TotpEnrollment, TotpCodeField, TotpClockCheck, strings, duration, locale, type RejectInfo, type TotpStrings } from 'totpkit/elements';
import german from 'totpkit/elements/locales/de';

const enroll: TotpEnrollment | null = document.querySelector('totp-enrollment');
const field: TotpCodeField | null = document.querySelector('totp-code-field');
const clock: TotpClockCheck | null = document.querySelector('totp-clock-check');

enroll?.addEventListener('totp-code', async (event) => {
  const code: string = event.detail.code;
  const res = await fetch('/api/2fa/confirm', { method: 'POST', body: JSON.stringify({ code }) });
  if (res.ok) enroll.acceptCode();
  else enroll.rejectCode((await res.json()) as RejectInfo);
});
clock?.addEventListener('totp-clock', (event) => {
  if (event.detail) console.log(event.detail.offsetMs, event.detail.status, event.detail.samples);
});

const parsedAccount: string | undefined = enroll?.parsed?.account;
const typed: string | undefined = field?.value;
const french: Partial<TotpStrings> = { verify: 'Vérifier' };
if (field) field.strings = french;
const words: string = strings.verify + duration(90_000);
field?.rejectCode({ attemptsLeft: 3, retryAfter: 30, message: 'That code was already used.' });
void clock?.check();
console.log(parsedAccount, typed, words);

// A language module's sentences, and a host's own language registered the same way.
const deutsch: string = german.verify + german.attemptsLeft(2) + duration(90_000, german);
const direction: 'ltr' | 'rtl' = german.dir;
const pirate = locale('en-x-pirate', (plural, unit, list) => ({
  ...strings,
  verify: 'Arr',
  attemptsLeft: (n) => plural(n, { one: '# try left', other: '# tries left' }),
  previewNext: (n) => `Ye get a new one in ${unit(n, 'second')}:`,
  unusual: (algorithm, digits, period) => list([algorithm, String(digits), String(period)]),
}));
console.log(deutsch, direction, pirate.verify);

// @ts-expect-error rejectCode's attemptsLeft is a number.
field?.rejectCode({ attemptsLeft: 'three' });
// @ts-expect-error the element is not a string.
const wrong: string = document.querySelector('totp-enrollment');
// @ts-expect-error every sentence is typed.
strings.nonsense;
// @ts-expect-error a language gives every sentence.
locale('xx', () => ({ verify: 'x' }));
void wrong;
