// Private: the raster primitives the text drawers and the synthetic source share.

/** An image to draw on: `channels` interleaved bytes per pixel, rows packed. */
export interface Canvas {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** Writes `count` copies of `pixel` from byte `offset`: one fill, or a write then doublings. */
export function fillPixels(
  data: Uint8Array,
  offset: number,
  count: number,
  pixel: Uint8Array,
): void {
  const size = pixel.length;
  const end = offset + count * size;
  if (pixel.every((byte) => byte === pixel[0])) {
    data.fill(pixel[0], offset, end);
    return;
  }
  data.set(pixel, offset);
  for (let done = size; offset + done < end; done *= 2) {
    data.copyWithin(offset + done, offset, Math.min(offset + 2 * done, end) - done);
  }
}

/** Fills a rectangle with `pixel`, clipped to the canvas. */
export function fillRect(
  canvas: Canvas,
  x: number,
  y: number,
  width: number,
  height: number,
  pixel: Uint8Array,
): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(canvas.width, x + width);
  const y1 = Math.min(canvas.height, y + height);
  if (x1 <= x0 || y1 <= y0) return;
  const stride = canvas.width * canvas.channels;
  const first = y0 * stride + x0 * canvas.channels;
  fillPixels(canvas.data, first, x1 - x0, pixel);
  const length = (x1 - x0) * canvas.channels;
  for (let row = y0 + 1; row < y1; row++) {
    canvas.data.copyWithin(row * stride + x0 * canvas.channels, first, first + length);
  }
}
