// What a frontend developer writes: no plugin, no config.
import init, { enrollment, totpCode } from 'totpkit';

await init();
const e = enrollment({ account: 'alice@example.com', issuer: 'ACME Co' });
document.querySelector('#qr').innerHTML = e.svg;
document.querySelector('#key').textContent = e.manualKey;
document.querySelector('#code').textContent = totpCode(e.secret, Date.now());
