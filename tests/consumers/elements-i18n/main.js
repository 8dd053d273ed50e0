// The elements in other languages, as a host uses them: the page's language on <html lang> (and
// dir), the locale modules imported (importing one is all it takes), the codes to the "server"
// (a list here). Query: lang, dir, uri, locales (comma-separated tags, default all; "none"
// imports none, so a test can import one later).
import '/pkg/elements.js';

const params = new URLSearchParams(location.search);
document.documentElement.lang = params.get('lang') || 'en';
document.documentElement.dir = params.get('dir') || 'ltr';
const wanted = params.get('locales') || 'es,fr,de,pt-BR,ja,zh-CN,ko,ru,ar,tr';
await Promise.all(wanted === 'none' ? [] : wanted.split(',').map((tag) => import(`/pkg/locales/${tag}.js`)));

const enroll = document.getElementById('enroll');
if (params.get('uri')) enroll.setAttribute('uri', params.get('uri'));
const received = document.getElementById('received');
document.addEventListener('totp-code', (event) => {
  received.append(Object.assign(document.createElement('li'), { textContent: `totp-code from ${event.target.localName}: ${event.detail.code}` }));
});
document.getElementById('login').addEventListener('submit', (event) => event.preventDefault());
document.body.dataset.ready = 'true';
