// A Cloudflare Worker on totpkit/server: the server is made in the module's global scope, where
// workerd refuses to generate random values; the store in memory. The test drives it
// with ?t=<unix ms> and codes from the otpauth package.
import { createTotpServer, memoryStore, TotpkitError } from 'totpkit/server';

let now = 0;
const totp = createTotpServer({
  issuer: 'ACME Co',
  store: memoryStore(),
  encryptionKey: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  now: () => now,
});

export default {
  async fetch(request) {
    const url = new URL(request.url);
    now = Number(url.searchParams.get('t'));
    const code = url.searchParams.get('code');
    switch (url.pathname) {
      case '/api/time':
        return totp.timeHandler(request);
      case '/begin':
        return Response.json(await totp.beginEnrollment('alice', { account: 'alice@example.com' }));
      case '/confirm':
        return Response.json(await totp.confirmEnrollment('alice', code));
      case '/verify':
        return Response.json(await totp.verify('alice', code, { source: request.headers.get('cf-connecting-ip') ?? '' }));
      case '/error':
        try {
          await totp.verify('alice', 123456);
        } catch (e) {
          return Response.json({ instanceOf: e instanceof TotpkitError, name: e.name, code: e.code });
        }
    }
    return new Response('not found', { status: 404 });
  },
};
