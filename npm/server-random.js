// The server kit's CSPRNG (nonces, new secrets, recovery codes): Web Crypto, unless its entry sets
// another. The Node entry (server-node.js, scripts/finish-package.mjs) sets node-random.js's, as
// the browser half's Node entry does: a server's first enrollment would otherwise pay the first
// use of Web Crypto in Node, 3.5-5 ms. Not part of the public API (no `exports` path reaches it).
export let fillRandom = (bytes) => {
  crypto.getRandomValues(bytes);
};

/** Draws from `fill` (fills a Uint8Array) from now on; undefined keeps Web Crypto. */
export function useRandom(fill) {
  if (fill) fillRandom = fill;
}
