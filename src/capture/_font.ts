// Private: a tiny 5×7 bitmap font and the row-filling primitives the synthetic source draws
// with. Each glyph is 7 rows of 5 bits, the leftmost pixel in the high bit.

const GLYPHS: Readonly<Record<string, readonly number[]>> = {
  " ": [0, 0, 0, 0, 0, 0, 0],
  "0": [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
  "1": [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
  "2": [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
  "3": [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110],
  "4": [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
  "5": [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
  "6": [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
  "7": [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
  "8": [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
  "9": [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
  A: [0b01110, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
  B: [0b11110, 0b10001, 0b10001, 0b11110, 0b10001, 0b10001, 0b11110],
  C: [0b01110, 0b10001, 0b10000, 0b10000, 0b10000, 0b10001, 0b01110],
  D: [0b11100, 0b10010, 0b10001, 0b10001, 0b10001, 0b10010, 0b11100],
  E: [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b11111],
  F: [0b11111, 0b10000, 0b10000, 0b11110, 0b10000, 0b10000, 0b10000],
  G: [0b01110, 0b10001, 0b10000, 0b10111, 0b10001, 0b10001, 0b01111],
  H: [0b10001, 0b10001, 0b10001, 0b11111, 0b10001, 0b10001, 0b10001],
  I: [0b01110, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
  J: [0b00111, 0b00010, 0b00010, 0b00010, 0b00010, 0b10010, 0b01100],
  K: [0b10001, 0b10010, 0b10100, 0b11000, 0b10100, 0b10010, 0b10001],
  L: [0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b10000, 0b11111],
  M: [0b10001, 0b11011, 0b10101, 0b10101, 0b10001, 0b10001, 0b10001],
  N: [0b10001, 0b10001, 0b11001, 0b10101, 0b10011, 0b10001, 0b10001],
  O: [0b01110, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
  P: [0b11110, 0b10001, 0b10001, 0b11110, 0b10000, 0b10000, 0b10000],
  Q: [0b01110, 0b10001, 0b10001, 0b10001, 0b10101, 0b10010, 0b01101],
  R: [0b11110, 0b10001, 0b10001, 0b11110, 0b10100, 0b10010, 0b10001],
  S: [0b01111, 0b10000, 0b10000, 0b01110, 0b00001, 0b00001, 0b11110],
  T: [0b11111, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100, 0b00100],
  U: [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01110],
  V: [0b10001, 0b10001, 0b10001, 0b10001, 0b10001, 0b01010, 0b00100],
  W: [0b10001, 0b10001, 0b10001, 0b10101, 0b10101, 0b10101, 0b01010],
  X: [0b10001, 0b10001, 0b01010, 0b00100, 0b01010, 0b10001, 0b10001],
  Y: [0b10001, 0b10001, 0b01010, 0b00100, 0b00100, 0b00100, 0b00100],
  Z: [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0b11111],
  "-": [0, 0, 0, 0b11111, 0, 0, 0],
  _: [0, 0, 0, 0, 0, 0, 0b11111],
  ".": [0, 0, 0, 0, 0, 0b01100, 0b01100],
  ":": [0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0],
  "#": [0b01010, 0b01010, 0b11111, 0b01010, 0b11111, 0b01010, 0b01010],
  "/": [0b00001, 0b00010, 0b00010, 0b00100, 0b01000, 0b01000, 0b10000],
  "?": [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0, 0b00100],
};

/** Glyph width and height in font pixels, and the cell each character takes with spacing. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
export const CELL_WIDTH = GLYPH_WIDTH + 1;
export const CELL_HEIGHT = GLYPH_HEIGHT + 2;

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

/** Width in canvas pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale: number): number {
  return text.length * CELL_WIDTH * scale;
}

/**
 * Draws `text` on a box of `background`, its top-left corner at (`x`, `y`), each font pixel
 * `scale` canvas pixels wide. Letters are drawn as capitals; characters the font lacks as "?".
 */
export function drawText(
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  scale: number,
  foreground: Uint8Array,
  background: Uint8Array,
): void {
  const upper = text.toUpperCase();
  fillRect(canvas, x, y, textWidth(upper, scale) + scale, CELL_HEIGHT * scale, background);
  for (let i = 0; i < upper.length; i++) {
    const glyph = GLYPHS[upper[i]] ?? GLYPHS["?"];
    const left = x + (i * CELL_WIDTH + 1) * scale;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      const bits = glyph[row];
      const top = y + (row + 1) * scale;
      // Runs of set bits become one rectangle each.
      for (let col = 0; col < GLYPH_WIDTH;) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - col)))) {
          col++;
          continue;
        }
        const start = col;
        while (col < GLYPH_WIDTH && bits & (1 << (GLYPH_WIDTH - 1 - col))) col++;
        fillRect(canvas, left + start * scale, top, (col - start) * scale, scale, foreground);
      }
    }
  }
}
