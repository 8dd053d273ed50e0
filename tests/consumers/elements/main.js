// A plain page using the elements as a host would: the enrollment URI from the server (here the
// query string), the codes to the server (here a list on the page), and the server's answer back
// through rejectCode/acceptCode (the test calls them). No bundler: the installed package's files.
import '/pkg/elements.js';

const params = new URLSearchParams(location.search);
const enroll = document.getElementById('enroll');
if (params.has('preview')) enroll.setAttribute('preview', '');
if (params.get('uri')) enroll.setAttribute('uri', params.get('uri'));
// `field-uri=no`: the code field without it (it would load the whole module to diagnose).
if (params.get('uri') && params.get('field-uri') !== 'no') document.getElementById('field').uri = params.get('uri');

const received = document.getElementById('received');
const log = (what) => received.append(Object.assign(document.createElement('li'), { textContent: what }));
document.addEventListener('totp-code', (event) => {
  log(`totp-code from ${event.target.localName}: ${event.detail.code}`);
  // The field's own event stays uncancelled, so the surrounding form submits too.
});
document.getElementById('login').addEventListener('submit', (event) => {
  event.preventDefault();
  log(`form submit: code=${new FormData(event.target).get('code')}`);
});
document.addEventListener('totp-clock', (event) => {
  document.body.dataset.clock = event.detail ? event.detail.status : 'failed';
});
