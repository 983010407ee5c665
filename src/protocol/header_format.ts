/**
 * The two header encodings: JSON (vidgear's, the default) and msgpack (ours, opt-in).
 *
 * @module
 */

/**
 * How part 1 of a message (the header) is encoded.
 *
 * - `"json"`: UTF-8 JSON, what Python vidgear reads and writes. The default everywhere.
 * - `"msgpack"`: a msgpack map with the same keys, which can also carry binary data, typed
 *   arrays and bigints in `message` and reply data. Only our own peers understand it.
 */
export type HeaderFormat = "json" | "msgpack";

/** Deepest nesting of arrays and objects (maps) a received header may have. */
export const MAX_HEADER_DEPTH = 256;

/**
 * Tells a header's format from its first byte, as a receiver does to answer in the format it
 * was addressed in: `{` (after optional JSON whitespace) is JSON; a msgpack map marker
 * (`0x80`–`0x8f`, `0xde`, `0xdf`) is msgpack.
 *
 * @param header Part 1 of a received message.
 * @returns The format, or `undefined` when the first byte is neither.
 *
 * @example Tell JSON from msgpack
 * ```ts
 * import { detectHeaderFormat } from "./header_format.ts";
 * detectHeaderFormat(new TextEncoder().encode(' {"terminate_flag": true}')); // "json"
 * detectHeaderFormat(new Uint8Array([0x81, 0xa1, 0x61, 0x01])); // "msgpack"
 * detectHeaderFormat(new TextEncoder().encode("Data received")); // undefined
 * ```
 */
export function detectHeaderFormat(header: Uint8Array): HeaderFormat | undefined {
  for (let i = 0; i < header.length; i++) {
    const byte = header[i];
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    if (byte === 0x7b) return "json";
    if (i === 0 && ((byte >= 0x80 && byte <= 0x8f) || byte === 0xde || byte === 0xdf)) {
      return "msgpack";
    }
    return undefined;
  }
  return undefined;
}
