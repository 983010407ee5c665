/**
 * Text labels drawn onto frames with the built-in bitmap font, like `cv2.putText` but needing
 * no font file.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { ChannelOrder, RgbColor } from "./color.ts";
import { checkOrder, layoutOf, pixelOf } from "./_layout.ts";
import { type Canvas, fillRect } from "../_canvas.ts";
import {
  GLYPH_ADVANCE,
  GLYPH_HEIGHT,
  GLYPH_WIDTH,
  glyphOffset,
  glyphRows,
  LINE_ADVANCE,
} from "../_font.ts";

/** Options for {@link measureText}. */
export interface TextSizeOptions {
  /**
   * Size of one font pixel in frame pixels: glyphs are 5×9 font pixels (descender included)
   * on a 6×10 pitch, so scale 2 makes 12-pixel-wide, 18-pixel-tall characters.
   *
   * @default {2}
   */
  scale?: number;
  /**
   * Pixels between the text and each edge of its box (the background, when one is drawn).
   *
   * @default {scale}
   */
  padding?: number;
}

/** Options for {@link drawText}. */
export interface DrawTextOptions extends TextSizeOptions {
  /**
   * Left edge of the text box in pixels; may be negative or past the frame (the text is
   * clipped).
   *
   * @default {0}
   */
  x?: number;
  /**
   * Top edge of the text box in pixels (not the baseline, unlike `cv2.putText`); may be
   * negative or past the frame. Use `frame.shape[0] - measureText(text).height` for the bottom.
   *
   * @default {0}
   */
  y?: number;
  /**
   * Text colour as `[red, green, blue]`.
   *
   * @default {[255, 255, 255]}
   */
  color?: RgbColor;
  /**
   * Colour of a box filled behind the text, for contrast; none when omitted.
   *
   * @default {undefined}
   */
  background?: RgbColor;
  /**
   * The channel order of a 3- or 4-channel frame; colours are mapped to it. A gray frame gets
   * the colours' luma; a 4-channel frame gets alpha 255 where text or box is drawn.
   *
   * @default {"bgr"}
   */
  channelOrder?: ChannelOrder;
}

/** Size in pixels of a text box, padding included. */
export interface TextSize {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * Measures the box {@link drawText} fills for `text`: the widest line and all lines, plus
 * padding on each side. `"\n"` starts a new line; every other code point is one character.
 *
 * @param text The text.
 * @param options Scale and padding.
 * @returns The box's width and height in pixels.
 * @throws {RangeError} When `scale` is not a positive integer or `padding` not a non-negative
 * integer.
 *
 * @example Place a label at the bottom left
 * ```ts
 * import { measureText } from "./text.ts";
 *
 * const box = measureText("5566  30.0 fps", { scale: 2 });
 * const y = 480 - box.height; // top edge of a label touching the bottom of a 480-row frame
 * box.width; // 170: 14 characters of 12 pixels, less the last gap, plus 2 pixels each side
 * ```
 */
export function measureText(text: string, options: TextSizeOptions = {}): TextSize {
  const { scale, padding } = checkSize(options);
  return boxSize(String(text).split("\n"), scale, padding);
}

/**
 * Draws `text` onto a uint8 frame in place with the built-in 5×9 bitmap font (printable ASCII,
 * `·` and `…`; any other character is drawn as `?`), optionally over a filled box. `"\n"`
 * starts a new line. The text is clipped at the frame's edges: text partly or wholly off the
 * frame is fine.
 *
 * @param frame A uint8 frame of shape `[h, w]`, `[h, w, 1]`, `[h, w, 3]` or `[h, w, 4]`; its
 * bytes are modified.
 * @param text The text.
 * @param options Position, scale, colours and channel order.
 * @returns `frame`, for chaining.
 * @throws {TypeError} When the frame is not uint8 or `channelOrder` is unknown.
 * @throws {RangeError} When the shape is not an image's, `scale` is not a positive integer,
 * `padding` not a non-negative integer, `x`/`y` not finite, or a colour not three integers
 * from 0 to 255.
 *
 * @example Label a tile with its port, fps and last message
 * ```ts
 * import { createFrame } from "../frame.ts";
 * import { drawText } from "./text.ts";
 *
 * const frame = createFrame(new Uint8Array(480 * 640 * 3), [480, 640, 3]);
 * drawText(frame, "5566  30.0 fps  I'm Server-1", {
 *   x: 10,
 *   y: 10,
 *   color: [0, 255, 0],
 *   background: [0, 0, 0],
 * });
 * ```
 */
export function drawText(frame: Frame, text: string, options: DrawTextOptions = {}): Frame {
  const layout = layoutOf(frame, "draw text on");
  const { scale, padding } = checkSize(options);
  const x = checkPosition(options.x ?? 0, "x");
  const y = checkPosition(options.y ?? 0, "y");
  const order = checkOrder(options.channelOrder ?? "bgr", "channelOrder");
  const ink = pixelOf(
    checkColor(options.color ?? [255, 255, 255], "color"),
    layout.channels,
    order,
  );
  const lines = String(text).split("\n");
  const box = boxSize(lines, scale, padding);

  const canvas: Canvas = {
    data: frame.data,
    width: layout.width,
    height: layout.height,
    channels: layout.channels,
  };
  if (options.background !== undefined) {
    const paper = pixelOf(checkColor(options.background, "background"), layout.channels, order);
    fillRect(canvas, x, y, box.width, box.height, paper);
  }
  const rows = glyphRows();
  for (let line = 0; line < lines.length; line++) {
    const top = y + padding + line * LINE_ADVANCE * scale;
    if (top >= layout.height) break;
    if (top + GLYPH_HEIGHT * scale <= 0) continue;
    let i = -1;
    // By code point, so that a character outside the BMP (an emoji) is one "?", not two.
    for (const char of lines[line]) {
      i++;
      const left = x + padding + i * GLYPH_ADVANCE * scale;
      if (left >= layout.width) break;
      if (left + GLYPH_WIDTH * scale <= 0) continue;
      const glyph = glyphOffset(char.codePointAt(0)!);
      for (let r = 0; r < GLYPH_HEIGHT; r++) {
        const bits = rows[glyph + r];
        if (bits === 0) continue;
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (bits & (1 << (GLYPH_WIDTH - 1 - c))) {
            fillRect(canvas, left + c * scale, top + r * scale, scale, scale, ink);
          }
        }
      }
    }
  }
  return frame;
}

function boxSize(lines: readonly string[], scale: number, padding: number): TextSize {
  let longest = 0;
  for (const line of lines) longest = Math.max(longest, codePoints(line));
  const width = longest === 0
    ? 0
    : (longest * GLYPH_ADVANCE - (GLYPH_ADVANCE - GLYPH_WIDTH)) * scale;
  const height = (lines.length * LINE_ADVANCE - (LINE_ADVANCE - GLYPH_HEIGHT)) * scale;
  return { width: width + 2 * padding, height: height + 2 * padding };
}

function codePoints(line: string): number {
  let count = 0;
  for (const _ of line) count++;
  return count;
}

function checkSize(options: TextSizeOptions): { scale: number; padding: number } {
  const scale = options.scale ?? 2;
  if (!Number.isSafeInteger(scale) || scale < 1 || scale > 1000) {
    throw new RangeError(
      `Cannot draw text at scale "${String(scale)}": use an integer from 1 to 1000`,
    );
  }
  const padding = options.padding ?? scale;
  if (!Number.isSafeInteger(padding) || padding < 0) {
    throw new RangeError(
      `Cannot draw text with padding "${String(padding)}": use a non-negative integer`,
    );
  }
  return { scale, padding };
}

function checkPosition(value: number, name: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Cannot draw text at ${name} "${String(value)}": use a finite number`);
  }
  return Math.round(value);
}

function checkColor(color: unknown, name: string): RgbColor {
  if (
    !Array.isArray(color) || color.length !== 3 ||
    !color.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)
  ) {
    throw new RangeError(
      `Cannot draw text with ${name} "${JSON.stringify(color)}": use [red, green, blue], ` +
        "each an integer from 0 to 255",
    );
  }
  return color as unknown as RgbColor;
}
