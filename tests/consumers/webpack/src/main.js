// What a frontend developer writes with webpack: `await init()`, then an enrollment screen.
// The fixed secret and time are RFC 6238's SHA-1 vector, so the test knows the code to expect.
import init, { enrollment, totpCode, TotpkitError } from 'totpkit';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const show = (id, text) => { document.getElementById(id).textContent = text; };
const describe = (err) => `${err instanceof TotpkitError} ${err.code}`;

// A call before init() must fail with a TotpkitError that says so.
try {
  show('before-init', `no error: ${totpCode(SECRET, 59_000, { digits: 8 })}`);
} catch (err) {
  show('before-init', describe(err));
}

await init();
const e = enrollment({ account: 'alice@example.com', issuer: 'ACME Co', secret: SECRET, digits: 8 });
document.getElementById('qr').innerHTML = e.svg;
show('key', e.manualKey);
show('code', totpCode(e.secret, 59_000, { digits: 8 }));
try {
  totpCode('not base32!', 0);
  show('error', 'no error');
} catch (err) {
  show('error', describe(err));
}

// The same in a Web Worker (built by webpack for the `webworker` target).
const worker = new Worker('dist/worker.js');
worker.onmessage = ({ data }) => show('worker', data);
worker.onerror = (event) => show('worker', `error: ${event.message}`);
worker.postMessage({ secret: SECRET, unixMs: 59_000 });
