// Private: text labels on the synthetic source's frames, in the shared bitmap font.

import { type Canvas, fillRect } from "../_canvas.ts";
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphOffset, glyphRows } from "../_font.ts";

export type { Canvas } from "../_canvas.ts";

/** Canvas pixels a character takes at scale 1: one blank column after it. */
export const CELL_WIDTH = GLYPH_ADVANCE;
/** Canvas pixels a text line takes at scale 1: one blank row above and below. */
export const CELL_HEIGHT = GLYPH_HEIGHT + 2;

/** Width in canvas pixels of `text` drawn at `scale`. */
export function textWidth(text: string, scale: number): number {
  return text.length * CELL_WIDTH * scale;
}

/**
 * Draws `text` on a box of `background`, its top-left corner at (`x`, `y`), each font pixel
 * `scale` canvas pixels wide. Characters the font lacks are drawn as "?".
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
  fillRect(canvas, x, y, textWidth(text, scale) + scale, CELL_HEIGHT * scale, background);
  const rows = glyphRows();
  for (let i = 0; i < text.length; i++) {
    const glyph = glyphOffset(text.charCodeAt(i));
    const left = x + (i * CELL_WIDTH + 1) * scale;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      const bits = rows[glyph + row];
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
