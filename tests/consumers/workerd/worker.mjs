// A Cloudflare Worker as its developer writes it: `import ... from 'totpkit'`, bundled the way
// wrangler does (the `workerd` export condition, the .wasm kept as a module beside the bundle).
// Answers with what it saw as JSON for tests/node/runtimes.test.mjs to check.
import init, { totpCode, buildOtpauthUri, qrMatrix, generateSecret, TotpkitError } from 'totpkit';

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const secret = url.searchParams.get('secret');
    const t = Number(url.searchParams.get('t'));
    const code = totpCode(secret, t, { digits: 8 });
    const uri = buildOtpauthUri({ secret, account: 'alice@example.com', issuer: 'ACME Co', digits: 8 });
    const { size, modules } = qrMatrix(uri);
    let error;
    try {
      totpCode('not base32!', 0);
    } catch (err) {
      error = { instanceOf: err instanceof TotpkitError, isError: err instanceof Error, name: err.name, code: err.code };
    }
    // init() stays harmless where the package is ready on import.
    await init();
    return Response.json({
      code,
      uri,
      qr: { size, modules: Array.from(modules).join('') },
      error,
      afterInit: totpCode(secret, t, { digits: 8 }),
      // New secrets from Web Crypto, inside a request (workerd refuses random values at startup).
      secrets: [generateSecret(), generateSecret()],
    });
  },
};
