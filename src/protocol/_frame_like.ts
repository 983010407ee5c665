// Recognising a frame among arbitrary values (reply data), without trusting it further.

import type { Frame } from "../frame.ts";

/** Tells whether `value` looks like a frame: `shape` array, `dtype` string, `data` bytes. */
export function isFrameLike(value: unknown): value is Frame {
  if (typeof value !== "object" || value === null) return false;
  const { shape, dtype, data } = value as Partial<Record<keyof Frame, unknown>>;
  return Array.isArray(shape) && typeof dtype === "string" && data instanceof Uint8Array;
}
