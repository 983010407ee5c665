/**
 * Text for people and JSON for programs, from whatever a server sent with its frames: any
 * JSON value, or with msgpack headers also bytes, typed arrays, big integers and frames.
 *
 * @module
 */

/** Longest message shown in a status line or label, in characters. */
const MESSAGE_CHARS = 60;

/** A message on one line, cut to a readable length (strings as they are, the rest as JSON). */
export function formatMessage(message: unknown): string {
  let text: string;
  try {
    text = typeof message === "string" ? message : JSON.stringify(message, jsonSafe) ?? "";
  } catch {
    text = String(message);
  }
  text = text.replace(/\s+/g, " ");
  return text.length > MESSAGE_CHARS ? text.slice(0, MESSAGE_CHARS - 3) + "..." : text;
}

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

function isFrameLike(
  value: unknown,
): value is { shape: number[]; dtype: string; data: Uint8Array } {
  return typeof value === "object" && value !== null &&
    Array.isArray(Reflect.get(value, "shape")) &&
    typeof Reflect.get(value, "dtype") === "string" &&
    Reflect.get(value, "data") instanceof Uint8Array;
}

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
