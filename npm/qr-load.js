// The QR module's loader, for <totp-enrollment> (not part of the public API): the QR module
// (totpkit_qr_bg.wasm, through its own glue qr-glue.js) is the calls wasm/wire.json marks `qr`
// (URI parsing, the key's grouping, the QR as SVG), about half the bytes of the whole module. A
// module of its own so that a page using `init()` bundles none of it.
import init, { joinLoad, loadedAny, ready } from './front.js';

/** Loads the QR module unless a module is loaded or loading (a load under way is joined). One
 * that fails to load (a host that serves only totpkit_bg.wasm, from its own URL) falls back to
 * `init()`, which joins the host's own load when one is under way. */
export async function loadQr() {
  while (!loadedAny()) {
    try {
      await joinLoad(async () => {
        const { default: initQr } = await import('./qr-glue.js');
        ready(await initQr());
      });
    } catch {
      return init();
    }
  }
}
