// A plain <script type="module"> page: the package imported straight from where it is served.
import init, { enrollment, totpCode } from '/pkg/totpkit.js';

await init();
const e = enrollment({ account: 'alice@example.com', issuer: 'ACME Co' });
document.querySelector('#qr').innerHTML = e.svg;
document.querySelector('#key').textContent = e.manualKey;
document.querySelector('#code').textContent = totpCode(e.secret, Date.now());
