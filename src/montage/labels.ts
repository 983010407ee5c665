/**
 * Labels of the multi-server display: a server's message as one line of text, labels cut to
 * fit a tile, and the order of tiles (by port), shared by the montage snapshots, the live
 * viewer, the `netgear` CLI, the demo and the examples so that they all say it the same way.
 *
 * @module
 */

import { measureText } from "./text.ts";

/**
 * A `JSON.stringify` replacer for received data: big integers become strings, and byte
 * arrays, typed arrays and frames become short descriptions instead of huge objects.
 */
export function jsonSafe(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value)) {
    return { type: value.constructor.name, byteLength: value.byteLength };
  }
  if (value instanceof ArrayBuffer) return { type: "ArrayBuffer", byteLength: value.byteLength };
  if (isFrameLike(value)) {
    return { frame: { shape: value.shape, dtype: value.dtype, byteLength: value.data.byteLength } };
  }
  return value;
}

/**
 * A server's message as one line of text: nothing for `null` and `undefined`, strings as they
 * are, frames as their shape, anything else as JSON (see {@linkcode jsonSafe}); cut with `…`
 * past `maxChars` characters.
 *
 * @param message Whatever came with a frame.
 * @param maxChars The longest text returned.
 *
 * @example
 * ```ts
 * import { formatMessage } from "./labels.ts";
 * formatMessage({ temperature: 21.5 }); // '{"temperature":21.5}'
 * formatMessage("x".repeat(100), 10); // "xxxxxxxxx…"
 * ```
 */
export function formatMessage(message: unknown, maxChars = 300): string {
  let text: string;
  if (message === undefined || message === null) text = "";
  else if (typeof message === "string") text = message;
  else if (isFrameLike(message)) text = `frame ${JSON.stringify(message.shape)} ${message.dtype}`;
  else {
    try {
      text = JSON.stringify(message, jsonSafe) ?? printable(message);
    } catch {
      text = printable(message); // a cycle: say what it is rather than fail
    }
  }
  text = text.replace(/\s+/g, " ");
  return text.length > maxChars ? `${text.slice(0, Math.max(0, maxChars - 1))}…` : text;
}

/** `text` cut (ending with `...`) to fit `width` pixels at text `scale` (see `measureText`). */
export function fitText(text: string, width: number, scale = 1): string {
  if (measureText(text, { scale }).width <= width) return text;
  // The font is monospaced: start near the answer.
  let end = Math.min(text.length, Math.floor(width / (6 * scale)));
  while (end > 1 && measureText(text.slice(0, end) + "...", { scale }).width > width) end--;
  return text.slice(0, end) + "...";
}

/**
 * The order of tiles: ports (or other numeric keys) from lowest, then other keys
 * alphabetically. A `sort` comparator.
 */
export function compareKeys(a: string | number, b: string | number): number {
  const [x, y] = [Number(a), Number(b)];
  const [xn, yn] = [
    String(a).trim() !== "" && Number.isFinite(x),
    String(b).trim() !== "" && Number.isFinite(y),
  ];
  if (xn && yn) return x - y;
  if (xn !== yn) return xn ? -1 : 1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function printable(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `(a ${typeof value} that cannot be printed)`;
  }
}

function isFrameLike(
  value: unknown,
): value is { shape: number[]; dtype: string; data: Uint8Array } {
  return typeof value === "object" && value !== null &&
    Array.isArray(Reflect.get(value, "shape")) &&
    typeof Reflect.get(value, "dtype") === "string" &&
    Reflect.get(value, "data") instanceof Uint8Array;
}
