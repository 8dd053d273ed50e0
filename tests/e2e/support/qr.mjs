// Reads a QR code the way a phone camera would: from a screenshot of what is on screen, decoded
// in Node by pngjs and jsQR (tests/engines/driver/qr.mjs), both independent of totpkit and of the
// SVG it drew. (It used to decode the PNG on a canvas in a second page of the same browser; once
// in a CI run that page hung until the test's timeout.)
import { readQrFromPng } from '../../engines/driver/qr.mjs';

export async function readQr(locator) {
  return readQrFromPng(await locator.screenshot({ timeout: 15_000 }));
}
