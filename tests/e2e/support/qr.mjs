// Reads a QR code the way a phone camera would: from a screenshot of what is on screen,
// decoded by jsQR (independent of totpkit and of the SVG it drew).
//
// The PNG is turned into RGBA pixels by drawing it on a canvas in a blank page of the same
// browser (no extra npm dependency for PNG decoding), then handed to jsQR in Node.
import jsQR from 'jsqr';

export async function readQr(locator) {
  const png = await locator.screenshot();
  const page = locator.page();
  const scratch = await page.context().newPage();
  try {
    const { width, height, rgba } = await scratch.evaluate(async (base64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${base64}`;
      await img.decode();
      const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let binary = '';
      for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
      return { width: canvas.width, height: canvas.height, rgba: btoa(binary) };
    }, png.toString('base64'));
    const pixels = new Uint8ClampedArray(Buffer.from(rgba, 'base64'));
    const found = jsQR(pixels, width, height);
    if (!found) throw new Error(`jsQR found no QR code in the ${width}×${height} screenshot`);
    return found.data;
  } finally {
    await scratch.close();
  }
}
