/**
 * The built-in bitmap font: printable ASCII (32–126), plus `·` and `…`, in 5×9 cells, drawn
 * for this project.
 *
 * Each glyph is 9 rows of 5 pixels: rows 0–6 hold capitals and digits (the baseline is under
 * row 6), rows 7–8 hold descenders (`g`, `j`, `p`, `q`, `y`, `,`, `;`, `_`). A row is one
 * base-32 digit (`0`–`9`, `a`–`v`) whose 5 bits are the pixels, the high bit leftmost; glyphs
 * follow each other in code order, 9 digits each. `A` is `ehhvhhh00`:
 *
 * ```text
 * e  .###.
 * h  #...#
 * h  #...#
 * v  #####
 * h  #...#
 * h  #...#
 * h  #...#
 * 0  .....
 * 0  .....
 * ```
 *
 * @module
 */

/** Pixel columns of a glyph. */
export const GLYPH_WIDTH = 5;
/** Pixel rows of a glyph, descender included. */
export const GLYPH_HEIGHT = 9;
/** Columns from one glyph's left edge to the next one's (one blank column between glyphs). */
export const GLYPH_ADVANCE = 6;
/** Rows from one text line's top to the next one's (one blank row between lines). */
export const LINE_ADVANCE = 10;

const FIRST_CODE = 32;
const LAST_CODE = 126;
const FALLBACK_CODE = 0x3f; // "?"

const GLYPHS = "000000000444440400aaa000000aavavaa004fke5u400op248j300cik8lid00444000000" +
  "24888420084222480004lel4000044v4400000000cc48000v0000000000cc0001248g000" +
  "ehjlphe004c4444e00eh1248v00v2421he0026aiv2200vgu11he0068guhhe00v12488800" +
  "ehhehhe00ehhf12c000cc0cc0000cc0cc480248g8420000v0v0000842124800eh1240400" +
  "eh1dlle00ehhvhhh00uhhuhhu00ehggghe00sihhhis00vgguggv00vgguggg00ehgnhhf00" +
  "hhhvhhh00e44444e0072222ic00hikokih00ggggggv00hrllhhh00hhpljhh00ehhhhhe00" +
  "uhhuggg00ehhhlid00uhhukih00fgge11u00v44444400hhhhhhe00hhhhha400hhhllla00" +
  "hha4ahh00hha444400v1248gv00e88888e000g8421000e22222e004ah0000000000000v0" +
  "84200000000e1fhf00ggmphhu0000egghe0011djhhf0000ehvge00698s8880000fhhhf1e" +
  "ggmphhh0040c444e002062222icggikoki00c44444e0000qllll0000mphhh0000ehhhe00" +
  "00uhhhugg00fhhhf1100mpggg0000fge1u0088s88960000hhhjd0000hhha40000hhlla00" +
  "00ha4ah0000hhhhf1e00v248v00244844200444444400844244800008l20000";

/** The few characters past ASCII that labels use: `·` (a separator) and `…` (cut text). */
const EXTRA_GLYPHS: ReadonlyMap<number, string> = new Map([
  [0xb7, "000040000"],
  [0x2026, "00000000l"],
]);

/** Row bits of every glyph, `GLYPH_HEIGHT` entries per code from 32 to 126, then the extras. */
const ROWS: Uint8Array = (() => {
  const all = GLYPHS + [...EXTRA_GLYPHS.values()].join("");
  const rows = new Uint8Array(all.length);
  for (let i = 0; i < all.length; i++) rows[i] = parseInt(all[i], 32);
  return rows;
})();

/** The glyph index of each extra character, after the ASCII ones. */
const EXTRA_INDEX: ReadonlyMap<number, number> = new Map(
  [...EXTRA_GLYPHS.keys()].map((code, i) => [code, LAST_CODE - FIRST_CODE + 1 + i]),
);

/**
 * Returns the offset of `code`'s first row in the glyph table; codes outside 32–126 (and the
 * few extras: `·`, `…`) get `?`.
 *
 * Read row `r` (0 = top) as `glyphRows()[glyphOffset(code) + r]`; bit `4 - c` is column `c`.
 */
export function glyphOffset(code: number): number {
  const extra = EXTRA_INDEX.get(code);
  if (extra !== undefined) return extra * GLYPH_HEIGHT;
  const known = code >= FIRST_CODE && code <= LAST_CODE ? code : FALLBACK_CODE;
  return (known - FIRST_CODE) * GLYPH_HEIGHT;
}

/** The row bits of every glyph (see {@link glyphOffset}); shared, do not modify. */
export function glyphRows(): Uint8Array {
  return ROWS;
}
