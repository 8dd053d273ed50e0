import { verifyTotp, TotpkitError } from 'totpkit';

// user: { totpSecret, lastStep } from your database; typed: what the person entered.
export function acceptCode(user, typed, now = Date.now()) {
  let match;
  try {
    match = verifyTotp(user.totpSecret, typed, now); // the current step ±1 (±30 s) by default
  } catch (e) {
    if (e instanceof TotpkitError && e.code === 'InvalidCode') return false; // not six digits
    throw e;
  }
  if (!match.valid || match.step <= (user.lastStep ?? -1)) return false; // wrong, or used already
  user.lastStep = match.step; // save it with the user: this code and older ones are refused now
  return true;
}
