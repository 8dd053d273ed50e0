// A Web Worker that computes codes off the main thread: init() works here too. The handler is
// set at once (a message that arrives while the wasm loads waits for it, instead of being lost).
import init, { totpCode } from 'totpkit';

const ready = init();
self.onmessage = async ({ data }) => {
  await ready;
  self.postMessage(totpCode(data.secret, data.unixMs, { digits: 8 }));
};
