// The Node entry's CSPRNG (scripts/finish-package.mjs passes it to initSync).
//
// On Node, the first use of node:crypto or Web Crypto costs 3.5-5 ms (measured on Node 20, 22
// and 24: it loads Node's streams with it), which was a quarter of a cold start (a fresh
// process's import and first enrollment, bench/bench.mjs). The kernel's CSPRNG read from
// /dev/urandom, the device Node's OpenSSL and Rust's `getrandom` crate seed from, costs 0.26 ms
// the first time. So where the device is (Linux, macOS, the BSDs) new secrets come from it, and
// anywhere reading it fails (Windows, Node's permission model, a container without /dev) from
// node:crypto's randomFillSync, for good. Deno and Bun keep Web Crypto (front.js's default):
// Deno would ask the user for read permission, and Bun's Web Crypto is cheap.
const onNode = typeof process === 'object' && typeof process.getBuiltinModule === 'function' && !process.versions.bun && typeof Deno === 'undefined';

/** The function that fills a Uint8Array with random bytes, or undefined for the platform's own. */
export function nodeRandom() {
  if (!onNode) return undefined;
  const fs = process.getBuiltinModule('node:fs');
  let device = process.platform !== 'win32';
  return (bytes) => {
    if (device) {
      try {
        return readDevice(fs, bytes);
      } catch {
        device = false;
      }
    }
    process.getBuiltinModule('node:crypto').randomFillSync(bytes);
  };
}

/** Fills `bytes` from /dev/urandom; a short or failed read throws (the caller falls back). */
function readDevice(fs, bytes) {
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    for (let at = 0; at < bytes.length; ) {
      const n = fs.readSync(fd, bytes, at, bytes.length - at, null);
      if (!(n > 0)) throw new Error('/dev/urandom: short read');
      at += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}
