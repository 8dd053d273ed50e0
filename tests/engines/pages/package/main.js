// The package as a page imports it, with nothing but its public API: codes for the RFC 6238
// Appendix B seeds at the page's own clock (the test fakes it), an enrollment QR, and the
// TotpkitError a caller switches on.
import init, { totpCode, enrollment, parseOtpauthUri } from '/pkg/totpkit.js';

// RFC 6238 Appendix B seeds ("1234567890" repeated to 20, 32 and 64 bytes), in base32.
const SEEDS = {
  SHA1: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
  SHA256: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA',
  SHA512: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA',
};
const $ = (id) => document.getElementById(id);

/** What a caller sees of a thrown error: "TotpkitError InvalidBase32 (an Error)". */
function caught(call) {
  try {
    call();
    return 'no error';
  } catch (e) {
    return `${e.name} ${e.code} (${e instanceof Error ? 'an Error' : 'not an Error'})`;
  }
}

try {
  await init();
  const now = Date.now();
  $('now').textContent = new Date(now).toISOString();
  for (const [algorithm, seed] of Object.entries(SEEDS)) {
    $(`code-${algorithm}`).textContent = totpCode(seed, now, { algorithm, digits: 8 });
  }
  const e = enrollment({ account: 'alice@example.com', issuer: 'ACME Co' });
  $('qr').innerHTML = e.svg;
  $('key').textContent = e.manualKey;
  $('bad-key').textContent = caught(() => totpCode('not base32!', now));
  $('bad-uri').textContent = caught(() => parseOtpauthUri('https://example.com/?secret=JBSWY3DPEHPK3PXP'));
  $('state').textContent = 'Ready';
} catch (e) {
  $('state').textContent = `Failed: ${e && e.name} ${e && e.message}`;
}
