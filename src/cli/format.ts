/**
 * Figures for people: byte counts in a short form. (Messages are formatted by
 * `formatMessage` and `jsonSafe` of the montage layer, `src/montage/labels.ts`.)
 *
 * @module
 */

/** Bytes in a short human form: `512 B`, `12.3 kB`, `4.56 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toPrecision(3)} ${units[unit]}`;
}
