// Reads a QR code from a screenshot the way a phone camera would: PNG → RGBA pixels (pngjs) →
// jsQR, both independent of totpkit and of the SVG it drew.
import jsQR from 'jsqr';
import pngjs from 'pngjs';

export function readQrFromPng(png) {
  const { width, height, data } = pngjs.PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height);
  if (!found) throw new Error(`jsQR found no QR code in the ${width}×${height} screenshot`);
  return found.data;
}
